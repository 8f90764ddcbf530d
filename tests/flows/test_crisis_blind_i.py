"""Blind set I: the measure written after H, before session 21's tuning began.

``crisis_blind_i_{en,es}.tsv`` were written on branches ``s21-ciwen`` (English, 440 rows) and
``s21-ciwes`` (Spanish, 441 rows) by two helpers who never saw the cues, the model, the tests or
any other set's rows, in styles earlier sets did not use (regional Englishes and Spanishes,
religious framing, workplace voices, questions about the line itself, song-framed texts,
phonetic spelling, notes left behind, danger told sideways), with hard negatives in the same
styles. How, and the least certain labels, are in ``crisis_blind_i_{en,es}.README.md`` beside
them, with the SHA-256 checked here. They were frozen before the third tuner began
(``s21-ctune3``, which never read them; ``scripts/train_crisis_model.py`` refuses them).
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_frozen, check_shape

FROZEN = {
    "crisis_blind_i_en.tsv": "d318d6c52a96189476c3ec759115f2c97e1a52a81479d771e8f8cb1d9c48bcc7",
    "crisis_blind_i_es.tsv": "103acf10652ba293e35694ab3b5f71def2951b99b543e20428c7525f890b5acb",
}
SHAPES = (("crisis_blind_i_en.tsv", "en", 440), ("crisis_blind_i_es.tsv", "es", 441))


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_i_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_i_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)
