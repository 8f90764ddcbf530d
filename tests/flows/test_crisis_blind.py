"""Two blind sets for the crisis detector, written before the cue tables were read.

``crisis_blind_a.tsv`` (166 rows) and ``crisis_blind_b.tsv`` (165 rows) were written in one
sitting, by wording family (direct wishes, not waking up, burden, pills, heights, goodbyes,
self-harm, passive wishes, research on lethality, voices, plans with a time, slang and typos,
and hard negatives: logistics, idioms, venting, recovery in the past, grief, news, jokes). The
families were then split at random between A and B, so B's families were never seen while
tuning. Label 1 means a human would page on-call.

Before any change: A recall 0.582 (53/91), false alarms 0.027 (2/75); B recall 0.589 (53/90),
false alarms 0.013 (1/75).

The cues were then widened using only A's misses (and earlier scratch probes), with general
families and guards. A then scores recall 1.000, false alarms 0.000; that is tuned, so it says
little about new wording.

B was measured once, after tuning, untuned and unseen: recall 0.600 (54/90), false alarms
0.013 (1/75). That is the honest generalisation figure, and it is poor: new wording families
are still mostly missed. B must not be tuned on; if the detector is widened again, write a
fresh blind set and measure it the same way.

A small learned model then joined the cues (logistic regression over hashed character and
word n-grams, ``config/crisis_model.json``), trained only on the labelled, held-out and A sets,
with its two thresholds picked by 5-fold cross-validation on those sets, never on B. Once the
model, thresholds and tests were fixed, B was measured a second time, once: recall 0.722
(65/90), false alarms 0.013 (1/75). B has now been measured twice in all (once before the
model, once after) and was never trained or tuned on. The next change should still be judged on a
fresh blind set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.crisis.detector import assess

DATA = Path(__file__).resolve().parent.parent / "data"

# (file, minimum recall, maximum false-alarm rate): A is tuned (margin 0.02), B never tuned on,
# measured once with the cues and model together (margin 0.03).
SETS = (
    ("crisis_blind_a.tsv", 1.000 - 0.02, 0.000 + 0.02),
    ("crisis_blind_b.tsv", 65 / 90 - 0.03, 1 / 75 + 0.03),
)


def _rows(name: str) -> list[tuple[str, str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\tlang\ttext"
    rows = [line.split("\t", 2) for line in lines[1:] if line]
    return [(label, lang, text) for label, lang, text in rows]


@pytest.mark.parametrize("name", [name for name, _, _ in SETS])
def test_blind_set_is_big_bilingual_and_well_formed(name: str) -> None:
    rows = _rows(name)
    assert len(rows) >= 150
    assert {label for label, _, _ in rows} == {"0", "1"}
    assert {lang for _, lang, _ in rows} == {"en", "es"}
    positives = sum(label == "1" for label, _, _ in rows) / len(rows)
    spanish = sum(lang == "es" for _, lang, _ in rows) / len(rows)
    assert 0.5 <= positives <= 0.6
    assert 0.3 <= spanish <= 0.45


@pytest.mark.parametrize(("name", "min_recall", "max_false_alarm"), SETS)
def test_blind_set_recall_and_false_alarms(
    name: str, min_recall: float, max_false_alarm: float
) -> None:
    rows = _rows(name)
    positives = [text for label, _, text in rows if label == "1"]
    negatives = [text for label, _, text in rows if label == "0"]
    misses = [text for text in positives if not assess(text).crisis]
    alarms = [text for text in negatives if assess(text).crisis]
    recall = 1 - len(misses) / len(positives)
    false_alarm = len(alarms) / len(negatives)
    assert recall >= min_recall, f"{name}: recall {recall:.3f} < {min_recall:.3f}; missed: " + (
        "; ".join(misses)
    )
    assert false_alarm <= max_false_alarm, (
        f"{name}: false alarms {false_alarm:.3f} > {max_false_alarm:.3f}: " + "; ".join(alarms)
    )
