"""Blind set I: the measure written after H, before session 21's tuning began.

``crisis_blind_i_{en,es}.tsv`` were written on branches ``s21-ciwen`` (English, 440 rows) and
``s21-ciwes`` (Spanish, 441 rows) by two helpers who never saw the cues, the model, the tests or
any other set's rows, in styles earlier sets did not use (regional Englishes and Spanishes,
religious framing, workplace voices, questions about the line itself, song-framed texts,
phonetic spelling, notes left behind, danger told sideways), with hard negatives in the same
styles. How, and the least certain labels, are in ``crisis_blind_i_{en,es}.README.md`` beside
them, with the SHA-256 checked here. They were frozen before the third tuner began
(``s21-ctune3``, which never read them; ``scripts/train_crisis_model.py`` refuses them).

Measured by the lead, figures only (no row read), twice: first with the detector that shipped
before that tuning (commit d85b48a's cues and model), then with the tuned one that ships now:

==========  ==============================  ==============================
set         before the tuning               after it (floors below)
==========  ==============================  ==============================
I English   recall 0.885 (192/217),         recall 0.912 (198/217),
            false alarms 0.058 (13/223),    false alarms 0.054 (12/223),
            kind 0.802 (154/192)            kind 0.859 (170/198)
I Spanish   recall 0.827 (187/226),         recall 0.827 (187/226),
            false alarms 0.037 (8/215),     false alarms 0.037 (8/215),
            kind 0.834 (156/187)            kind 0.893 (167/187)
==========  ==============================  ==============================

Cues alone, after: English 0.456 / 0.049, Spanish 0.509 / 0.042. Caught per kind after
(EN / ES): suicide 103/118 / 102/125, medical 39/41 / 36/41, violence 33/34 / 28/36, others
23/24 / 21/24. Short of 0.95 recall in both languages; English false alarms just over 0.05.

Measured a third time (figures only) after session 22's change (``s22-ctune4``: a second
normalisation step, chat abbreviations spelled out and run-together words split; it never read
H, I or J): English recall 0.908 (197/217), false alarms 0.054 (12/223), kind 0.863 (170/197);
Spanish recall 0.827 (187/226), false alarms 0.037 (8/215), kind 0.888 (166/187). One English
suicide text fewer (102/118), and one Spanish kind named right fewer; the floors below are
these third figures.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_i_en.tsv": "d318d6c52a96189476c3ec759115f2c97e1a52a81479d771e8f8cb1d9c48bcc7",
    "crisis_blind_i_es.tsv": "103acf10652ba293e35694ab3b5f71def2951b99b543e20428c7525f890b5acb",
}
SHAPES = (("crisis_blind_i_en.tsv", "en", 440), ("crisis_blind_i_es.tsv", "es", 441))
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the figures
# measured after the last tuning change (the third measurement, above).
SETS = (
    ("crisis_blind_i_en.tsv", "en", 212 / 217, 6 / 223, 183 / 212),
    ("crisis_blind_i_es.tsv", "es", 211 / 226, 6 / 215, 192 / 211),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_i_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_i_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_i_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
