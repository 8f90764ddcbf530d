"""The frozen crisis sets' checks, shared by the test_crisis_blind_*.py files: a set's rows, its
frozen hash, its shape, and its figures against floors (figures only: no row is printed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hotline.crisis.detector import assess

DATA = Path(__file__).resolve().parent.parent / "data"
HEADER = "label\tlang\ttext\tkind"
KINDS = frozenset({"suicide", "medical", "violence", "others"})


def rows(name: str) -> list[tuple[str, str, str, str]]:
    """Return (label, language, text, kind) for every row of a set."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    return [(a, b, c, d) for a, b, c, d in (line.split("\t") for line in lines[1:] if line)]


def check_frozen(name: str, digest: str, readme: str) -> None:
    """The file is byte for byte the one its README names by SHA-256."""
    assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest
    assert digest in (DATA / readme).read_text(encoding="utf-8")


def check_shape(name: str, language: str, size: int) -> None:
    """One language, every kind of danger present, negatives labelled none."""
    found = rows(name)
    assert len(found) == size
    assert {lang for _, lang, _, _ in found} == {language}
    assert {kind for label, _, _, kind in found if label == "1"} == KINDS
    assert {kind for label, _, _, kind in found if label == "0"} == {"none"}


def check_figures(
    found: list[tuple[str, str, str, str]],
    what: str,
    recall: float,
    alarms: float,
    kinds: float | None = None,
) -> None:
    """Recall, false alarms and (if given) the kind named right, each at least its floor."""
    positives = [(text, kind) for label, _, text, kind in found if label == "1"]
    negatives = [text for label, _, text, _ in found if label == "0"]
    caught = [(verdict, kind) for text, kind in positives if (verdict := assess(text)).crisis]
    raised = sum(assess(text).crisis for text in negatives)
    assert len(caught) / len(positives) >= recall - 1e-9, f"{what} recall {len(caught)}"
    assert raised / len(negatives) <= alarms + 1e-9, f"{what} false alarms {raised}"
    if kinds is not None:
        named = sum(verdict.danger.value == kind for verdict, kind in caught)
        assert named / len(caught) >= kinds - 1e-9, f"{what} kinds named {named}"
