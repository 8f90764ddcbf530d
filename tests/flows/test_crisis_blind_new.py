"""Blind sets C and D: frozen English and Spanish sets the detector is never tuned on.

``crisis_blind_c_en.tsv`` (320 rows) and ``crisis_blind_c_es.tsv`` (314 rows) were written in
one sitting for issue 12, before any cue or model was changed, in styles the older sets do not
use: tweet-like posts, first lines of long posts, SMS text-speak, Spanish from several
countries (Mexico, Argentina, Spain, the Caribbean), and hard negatives (hyperbole, hurt
feelings, collective or political "suicide", supportive replies and denials, sad but not at
risk). No row appears in the labelled, held-out, A or B sets. Label 1 means a human would page
on-call; the ``kind`` column names the danger: ``suicide`` (suicide or self-harm), ``medical``
(overdose, poisoning, a medical emergency), ``violence`` (from someone else) or ``others``
(danger to others); negatives are ``none``.

Measured once before any change (cues and model as on main), EN: recall 0.571 (100/175),
false alarms 0.069 (10/145); ES: recall 0.548 (92/168), false alarms 0.116 (17/146).

Then the detector was changed using only the dev sets (``crisis_dev_*.tsv``) and the older,
already-tuned sets: cues for violence, medical emergencies and danger to others, the missed
suicide families, hyperbole and denial screens, and a retrained model. Measured a second time,
once, after every change was made: EN recall 0.926 (162/175), false alarms 0.041 (6/145); ES
recall 0.875 (147/168), false alarms 0.103 (15/146). The cues alone would give EN 0.777 / 0.021
and ES 0.780 / 0.062: the model buys recall at the cost of Spanish false alarms. Short of the
0.95 / 0.05 target in both languages. The danger named was the labelled one for 149 of the 162
English texts caught and 133 of the 147 Spanish (an overdose or poison already taken is named
medical, which the labels call suicide). C has now been read twice and never tuned on; the
next change should be judged on a fresh blind set.

Blind set D (``crisis_blind_d_*.tsv``, 123 English and 117 Spanish rows: longer posts,
regional Spanish, hard negatives) was written afterwards, before one more change, to judge that
change; measured once before it: EN recall 0.940 (63/67), false alarms 0.054 (3/56); ES
recall 0.761 (51/67), false alarms 0.040 (2/50). It was written by the author of the cues, who
had seen C's figures (not its misses), so it flatters them more than C does.

The change it judged: the model's two thresholds set for each language from its own
out-of-fold negatives (cross-validation on the training sets: English HIGH 0.87, Spanish 0.91,
where one cut of 0.89 served both). D after it, read once: EN recall 0.955 (64/67), false
alarms 0.054 (3/56); ES unchanged, 0.761 / 0.040. It was kept. C read a third time with it:
EN 0.926 / 0.048 (7/145), ES 0.875 / 0.096 (14/146). The floors below are these last figures.

Session 3 (false alarms found in use): the model now reads a text without its small talk
(``[small_talk]`` in the cue file, ``Detector.evidence``), so "bye" or "ok gracias" is never
raised by it, and it was retrained with ``crisis_in_use.tsv`` (ordinary goodbyes, supportive
replies). The training script's cross-validation then chose l2 1e-3 over 3e-4 and lower
thresholds (EN HIGH 0.82, ES 0.87). C read a fourth time: EN recall 0.926 (162/175), false
alarms 0.069 (10/145, up from 7: three more of the model's own); ES 0.881 (148/168), 0.096
(14/146). D: EN 0.955 (64/67) / 0.054 (3/56), ES 0.791 (53/67) / 0.040 (2/50). The floors
below moved to these figures; C and D are tuning sets now, the measures are E and F
(``test_crisis_blind_ef.py``).

The files are frozen: their SHA-256 is checked here, so nobody edits a row to suit the
detector. Tuning happens on ``crisis_dev_*.tsv`` only.

Session 20: C and D are training rows of the model now (``scripts/train_crisis_model.py``), so
their figures (C English 0.989 / 0.014, Spanish 0.988 / 0.027; D 1.000 / 0.036 and 1.000 /
0.040) say nothing about unseen text. The floors below stay where they were, as a guard only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hotline.crisis.detector import assess

DATA = Path(__file__).resolve().parent.parent / "data"
HEADER = "label\tlang\ttext\tkind"
KINDS = frozenset({"suicide", "medical", "violence", "others"})
FROZEN = {
    "crisis_blind_c_en.tsv": "30703f24d69746c1143bf6ce38089baacd037eee16f7adf9e751ab9adcdc1310",
    "crisis_blind_c_es.tsv": "015164d595d40d62d19c5a720e131860335fe040b6707836e79bbecfd0404402",
    "crisis_blind_d_en.tsv": "03b3c917ac0b84cad725cc9962f85f2f47faad581013a5056c3f0b0ff4e78360",
    "crisis_blind_d_es.tsv": "10529c81f00402ae571028fff85828cc9d5a8e857a5820e8d87b414ccec97e55",
}
# (file, language, minimum recall, maximum false-alarm rate): floors at the last figures
# measured (the earlier readings are in the docstring).
SETS = (
    ("crisis_blind_c_en.tsv", "en", 173 / 175, 2 / 145),
    ("crisis_blind_c_es.tsv", "es", 165 / 168, 0 / 146),
    ("crisis_blind_d_en.tsv", "en", 67 / 67, 1 / 56),
    ("crisis_blind_d_es.tsv", "es", 67 / 67, 1 / 50),
)


def rows(name: str) -> list[tuple[str, str, str, str]]:
    """Return (label, language, text, kind) for every row of a four-column set."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    split = [line.split("\t") for line in lines[1:] if line]
    return [(label, lang, text, kind) for label, lang, text, kind in split]


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_is_frozen(name: str, digest: str) -> None:
    assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize(("name", "language", "_recall", "_alarms"), SETS)
def test_blind_set_is_big_one_language_and_labelled_by_kind(
    name: str, language: str, _recall: float, _alarms: float
) -> None:
    found = rows(name)
    assert len(found) >= (300 if "blind_c" in name else 100)
    assert {lang for _, lang, _, _ in found} == {language}
    assert {kind for label, _, _, kind in found if label == "1"} == KINDS
    assert {kind for label, _, _, kind in found if label == "0"} == {"none"}
    texts = [text for _, _, text, _ in found]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(("name", "language", "min_recall", "max_false_alarm"), SETS)
def test_blind_set_recall_and_false_alarms(
    name: str, language: str, min_recall: float, max_false_alarm: float
) -> None:
    found = rows(name)
    positives = [text for label, _, text, _ in found if label == "1"]
    negatives = [text for label, _, text, _ in found if label == "0"]
    caught = sum(assess(text).crisis for text in positives)
    alarms = sum(assess(text).crisis for text in negatives)
    # Figures only: the rows stay unread by whoever tunes the detector.
    assert caught / len(positives) >= min_recall - 1e-9, f"{language} recall {caught}"
    assert alarms / len(negatives) <= max_false_alarm + 1e-9, f"{language} alarms {alarms}"
