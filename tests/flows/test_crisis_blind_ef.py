"""Blind sets E and F: the first measure of the detector on text its tuner never read.

``crisis_blind_{e,f}_{en,es}.tsv`` were written on branches ``s3-blind`` (English, 399 and 395
rows) and ``s3-blind-es`` (Spanish, 410 and 435 rows) by two helpers who never saw the cues,
the model, the other sets or the tests; how, and their styles and families, are in
``crisis_blind_ef_{en,es}.README.md`` beside them, with the SHA-256 checked here. The detector
was tuned (session 3: small talk is no evidence for the model, retrained with
``crisis_in_use.tsv``) on the older sets only; the branches were merged after the last tuning
commit, and each file was measured exactly once, then, with nothing changed after:

===========  ===================  ====================  ===================  ===============
set          recall               false alarms          kind named right     cues alone
===========  ===================  ====================  ===================  ===============
E English    0.809 (165/204)      0.087 (17/195)        0.879 (145/165)      0.593 / 0.031
E Spanish    0.604 (128/212)      0.071 (14/198)        0.961 (123/128)      0.514 / 0.066
F English    0.657 (140/213)      0.093 (17/182)        0.843 (118/140)      0.469 / 0.049
F Spanish    0.655 (150/229)      0.112 (23/206)        0.893 (134/150)      0.546 / 0.087
===========  ===================  ====================  ===================  ===============

Far short of recall 0.95 with false alarms 0.05 in
either language: C and D, written by the cues' own author, flattered the detector. Of the 275
misses, 93 still get the concern offer (a peer call and the crisis line, no page).

Misses by family (described, not quoted; counts per kind E-en / E-es / F-en / F-es):
suicide 23 / 36 / 34 / 41, violence 8 / 21 / 15 / 14, medical 4 / 20 / 15 / 18, others
4 / 7 / 9 / 6.

* Plan, place and time in plain words with no stock phrase: a chosen day or hour, a place
  picked or reached (a bridge, rail tracks, woods, the sea), a car running in a closed garage,
  a rope or belt already tied, standing on the ledge now.
* Means acquired or held with reluctance that is not safety ("only X keeps me", "not yet
  because ..."), often in Spanish.
* Farewells without the word goodbye: things given away, affairs settled, last words, "after
  tonight it won't matter", a friend's or sibling's farewell post and a phone switched off.
* Third-party reports: a friend, child or roommate who cut, took pills or wrote a note.
* Recent self-harm and attempts told in the past tense with present risk (stitches last week
  and still wanting to; a failed hanging last night).
* Medical emergencies without overdose words: swallowed household chemicals, a child under the
  sink, collapse, stroke signs, chest pain, a diabetic crisis, bleeding that will not stop,
  drugs with alcohol and symptoms now; Spanish slang for pills (pastis, blister, frasco).
* Violence described as acts rather than threats: strangled, thrown down stairs, kicked, hair
  pulled, door being kicked in, locked in a bathroom, stalked, followed, extortion, a gun at
  the waist; Caribbean and Southern Cone slang for beatings.
* Danger to others in slang or plain plans: shooting up a workplace or school, arson tonight,
  running someone over, intrusive urges to shake or choke a baby.
* Concern-only cues ("decided", "hopeless", "leaving words") that keep the cues' concern level
  even when the text names a time and a plan: the model is not allowed to raise them.

False alarms by family: small talk the ``[small_talk]`` table does not list (good night, nite,
bai, aca ando, im still here, maybe, idk); Spanish hyperbole with *quiero morir*, *matarme*,
*me va a matar* (football, a hangover, a crush, traffic, a boss); talk of a series or
telenovela; "unalive" and "kms" mentioned, not used; moving-away goodbyes and last meetings;
means in safe contexts (a gun safe, a will, pharmacist advice, vitamins twice); 988 reminders
and training questions. One is a normaliser bug: collapsing repeated letters turns the Spanish
*nose* (no sé) into the English word for a hanging rope.

These are floors at exactly the figures measured; the sets stay frozen. E may be tuned on from
now on (then it is no longer blind); F should stay unread until a change is final.

Session 20 (branch ``s20-ctune``): **E is a tuning set now, not a measure.** Its misses and
false alarms were read and cues written against their families (never a row copied); E is
still never a training row of the model. New training rows written for the families above
(``crisis_dev2_{en,es}.tsv``; C and D became training rows too), the model retrained with
``scripts/train_crisis_model.py``, the ``noose``/``nose`` collapse fixed, small talk widened,
a distress cue with a time or means no longer holds the model back. E after it (the E rows
of ``SETS``): English recall 0.936 (191/204), false alarms 0.000 (0/195), kind 177/191;
Spanish 0.967 (205/212), 0.010 (2/198), kind 198/205. These flatter the detector: three
probes of fresh rows written here, each measured once before its own fixes, gave recall 0.76
/ 0.77 (EN / ES, second probe; false alarms 6/18 and 3/15 on deliberately hard negatives) and
0.74 / 0.56 (third probe; 1/13 and 0/12); a fourth, of stock-phrase posts, 1.00 / 0.93 (1/11
and 2/10). On text by other hands, expect well under 0.95.
The F rows of ``SETS`` were not changed and F was not read by the tuner.

F measured a second time, by the lead, once, after the tuning above was merged (with G,
``test_crisis_blind_g.py``): English recall 0.779 (166/213, was 0.657), false alarms 0.049
(9/182, was 0.093), kind 137/166; Spanish recall 0.856 (196/229, was 0.655), false alarms
0.087 (18/206, was 0.112), kind 169/196. Better on text the tuner never read, still short of
0.95 / 0.05. F has now been measured twice and its rows stay unread; G is the untouched figure.

Session 20, second tuner (branch ``s20-ctune2``): **E and F are training sets now, not
measures.** E is a training row of the model in full; F in half: the rows
``scripts/train_crisis_model.py``'s ``held_back`` leaves (CRC-32 of the text even), the other
half (odd) kept out as a dev measure with G's odd half. The ``SETS`` rows are what E and F
score now, with those training rows in them, so they flatter the detector; the figures
measured once, above, stay the record. The dev half of F, never trained on (thresholds and the
veto were chosen looking at it and G's half): see ``test_crisis_blind_g.py``.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_e_en.tsv": "ebce8971db98baa4e57f5a5bfaad57721cb44d985508417e31930a434368a58e",
    "crisis_blind_f_en.tsv": "e3fd033d753eb8e0871476c1d8f3e694c06a2264e70225ca2652637e141cc1aa",
    "crisis_blind_e_es.tsv": "cd3e1416e059a12e4b84c762240c694962f23399d6640498b63b53154ccab9ad",
    "crisis_blind_f_es.tsv": "5e5d9262081835dccfc8c78e68e5e6c1ff4e3f054bc257c68f27738e65d62339",
}
# (file, language, rows, minimum recall, maximum false alarms, minimum kind accuracy): what E
# and F score as tuning and (in part) training sets since session 20's second tuner; the
# once-measured figures are in the docstring above.
SETS = (
    ("crisis_blind_e_en.tsv", "en", 399, 204 / 204, 0 / 195, 198 / 204),
    ("crisis_blind_e_es.tsv", "es", 410, 212 / 212, 0 / 198, 208 / 212),
    ("crisis_blind_f_en.tsv", "en", 395, 209 / 213, 5 / 182, 181 / 209),
    ("crisis_blind_f_es.tsv", "es", 435, 225 / 229, 5 / 206, 206 / 225),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    language = name.removesuffix(".tsv")[-2:]
    check_frozen(name, digest, f"crisis_blind_ef_{language}.README.md")


@pytest.mark.parametrize(("name", "language", "size", "_r", "_f", "_k"), SETS)
def test_blind_set_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int, _r: float, _f: float, _k: float
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "_size", "recall", "alarms", "kinds"), SETS)
def test_blind_set_recall_false_alarms_and_kind(
    name: str, language: str, _size: int, recall: float, alarms: float, kinds: float
) -> None:
    # Figures only: the rows stay unread by whoever tunes the detector.
    check_figures(rows(name), language, recall, alarms, kinds)
