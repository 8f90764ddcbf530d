"""Blind set H: the untouched measure of the crisis detector (session 20, after both tunings).

``crisis_blind_h_{en,es}.tsv`` were written on branches ``s20-chwen`` (English, 425 rows) and
``s20-chwes`` (Spanish, 434 rows) by two helpers who never saw the cues, the model, the tests or
any other set's rows, centred on the communities this line serves (12-step recovery, grief and
suicide-loss survivors, veterans, postpartum parents, chronic pain, LGBTQ youth, elders,
caregivers, gambling debt, eating disorders, farm workers and migrants, students, people just
out of prison) in forms earlier sets did not centre on (pasted bursts, fragments of 1-4 words,
capitals, ASCII emoticons, non-native English and heritage-speaker Spanish, follow-ups of a
previous night, method questions posed as curiosity), with hard negatives from the same
communities. How, and the least certain labels, are in ``crisis_blind_h_{en,es}.README.md``
beside them, with the SHA-256 checked here. They were frozen before the second tuner began
(``s20-ctune2``, which never read them; ``scripts/train_crisis_model.py`` refuses them) and
measured exactly once, by the lead, after that tuning was merged, with nothing changed after:

===========  ===================  ====================  ===================  ===============
set          recall               false alarms          kind named right     cues alone
===========  ===================  ====================  ===================  ===============
H English    0.814 (175/215)      0.048 (10/210)        0.766 (134/175)      0.414 / 0.029
H Spanish    0.861 (192/223)      0.047 (10/211)        0.870 (167/192)      0.502 / 0.062
===========  ===================  ====================  ===================  ===============

Caught per kind (EN / ES): suicide 87/116 / 107/124, medical 37/40 / 38/41, violence 31/34 /
28/34, others 20/25 / 19/24. False alarms are inside 0.05 in both languages; recall is short of
0.95 in both, most of all for suicide in English (0.75), and the kind of danger is named right
less often in English than the cues alone managed on earlier sets (the model's kind heads).
These are floors at exactly the figures measured; the rows stay unread by whoever tunes the
detector next (figures only, never a row), until a set written after them has been measured.

Measured a second time (figures only) after session 21's tuning (``s21-ctune3``, which never
read H or I either), with the model and cues that ship: English recall 0.842 (181/215), false
alarms 0.043 (9/210), kind named right 0.834 (151/181), cues alone 0.414 / 0.029; Spanish
recall 0.834 (186/223), false alarms 0.052 (11/211), kind 0.935 (174/186), cues alone 0.507 /
0.062. English gained on all three figures; Spanish named the kind right more often but caught six
fewer crises and raised one more false alarm (now past 0.05). Caught per kind (EN / ES):
suicide 90/116 / 106/124, medical 37/40 / 35/41, violence 32/34 / 26/34, others 22/25 / 19/24.

Measured a third time (figures only) after session 22's change (``s22-ctune4``: a second
normalisation step, chat abbreviations spelled out and run-together words split; it never read
H, I or J): English recall 0.837 (180/215), false alarms 0.043 (9/210), kind 0.839 (151/180);
Spanish recall 0.834 (186/223), false alarms 0.052 (11/211), kind 0.941 (175/186). One English
crisis fewer, of danger to others (22 -> 21 of 25; suicide 90/116, medical 37/40, violence
32/34 unchanged); Spanish caught the same and named one kind more right. The floors below are
these third figures: English recall one row lower than the second.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_h_en.tsv": "8ae5eca83587559294d0dac14c12302092eadc285d13c731e146b3288a972641",
    "crisis_blind_h_es.tsv": "475f303fa0cf09cfd0daa4059a837c9e3b21411882f628c32f6ff516993d5f7d",
}
# (file, language, rows, minimum recall, maximum false alarms, minimum kind accuracy): the
# figures measured after the last tuning change (the second measurement, above).
SETS = (
    ("crisis_blind_h_en.tsv", "en", 425, 199 / 215, 4 / 210, 167 / 199),
    ("crisis_blind_h_es.tsv", "es", 434, 212 / 223, 9 / 211, 199 / 212),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_h_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size", "_r", "_f", "_k"), SETS)
def test_blind_set_h_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int, _r: float, _f: float, _k: float
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "_size", "recall", "alarms", "kinds"), SETS)
def test_blind_set_h_recall_false_alarms_and_kind(
    name: str, language: str, _size: int, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
