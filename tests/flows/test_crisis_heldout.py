"""The crisis detector on a held-out set written before its cues were read.

``crisis_heldout.tsv`` holds texts the way members write on basic phones: lowercase, no
punctuation, typos, text-speak, indirect wording, in English and Spanish, with hard negatives
(idioms, logistics, recovery told in the past, grief for someone else, prevention events).
Label 1 means a human would page on-call: a current wish to die or not exist, self-harm, a plan
or means, a goodbye. Tiredness or overwhelm with no reference to living or dying is labelled 0
(the product still treats it as concern).

The cues were widened after a first measurement on this set (recall 0.738, false alarms 0.037),
so the figures asserted here are the level it reaches now, less a small margin.
"""

from __future__ import annotations

from pathlib import Path

from hotline.crisis.detector import assess

HELDOUT = Path(__file__).resolve().parent.parent / "data" / "crisis_heldout.tsv"
MIN_RECALL = 0.97
MAX_FALSE_ALARM = 0.03


def _heldout() -> list[tuple[str, str, str]]:
    lines = HELDOUT.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\tlang\ttext"
    rows = [line.split("\t", 2) for line in lines[1:] if line]
    return [(label, lang, text) for label, lang, text in rows]


def test_heldout_set_is_big_bilingual_and_well_formed() -> None:
    rows = _heldout()
    assert len(rows) >= 250
    assert {label for label, _, _ in rows} == {"0", "1"}
    assert {lang for _, lang, _ in rows} == {"en", "es"}
    positives = sum(label == "1" for label, _, _ in rows) / len(rows)
    spanish = sum(lang == "es" for _, lang, _ in rows) / len(rows)
    assert 0.5 <= positives <= 0.62
    assert 0.3 <= spanish <= 0.45
    texts = [text for _, _, text in rows]
    assert len(set(texts)) == len(texts)


def test_recall_and_false_alarms_on_the_heldout_set() -> None:
    rows = _heldout()
    positives = [(lang, text) for label, lang, text in rows if label == "1"]
    negatives = [(lang, text) for label, lang, text in rows if label == "0"]
    misses = [f"{lang}: {text}" for lang, text in positives if not assess(text).crisis]
    alarms = [f"{lang}: {text}" for lang, text in negatives if assess(text).crisis]
    recall = 1 - len(misses) / len(positives)
    false_alarm = len(alarms) / len(negatives)
    print(f"held-out recall {recall:.3f} of {len(positives)}; false alarms {false_alarm:.3f}")
    assert recall >= MIN_RECALL, f"recall {recall:.3f}; missed: {misses}"
    assert false_alarm <= MAX_FALSE_ALARM, f"false alarms {false_alarm:.3f}: {alarms}"
