"""Blind sets S: written in session 27 before its second model was chosen, for the next; unread.

``crisis_blind_s_en.tsv`` (English, 430 rows; branch ``s27-sen``, frozen at 17:41 UTC on
2026-12-03: airport ramp agents and baggage handlers, court interpreters, dog groomers, amateur
radio operators, ferry crews, Pittsburgh English, SMS split markers and device signatures,
check-in replies and commands) and ``crisis_blind_s_es.tsv`` (Spanish, 430 rows; branch
``s27-ses``, frozen at 17:41 UTC: avocado cutters in Michoacán, coffee pickers in Colombia's coffee
region, Galician shellfish gatherers, market vendors in Cochabamba, novice bullfighters, rural
schoolteachers in Mexico, a Spanish hall of residence, family WhatsApp groups, commands and
check-ins). Each writer never saw the cues, the model, the tests or any other set's rows; how,
and the least certain labels, are in the README beside each set, with the SHA-256 checked here.
Both were written in about seven minutes, faster than asked (their READMEs say so). The trainer
refuses both (``NEVER``). Nobody has measured them: no figure is asserted until a model is chosen
on dev rows and S is read once, figures only.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_frozen, check_shape

FROZEN = {
    "crisis_blind_s_en.tsv": "0de9c5775456ef9022b929ac2f6284574634d47ec14406d973b8d34a03e056b7",
    "crisis_blind_s_es.tsv": "af374e16bfb37f48761df1f6ab3a03bbdfb6778483bb1d127dcce75f043c646f",
}
SHAPES = (("crisis_blind_s_en.tsv", "en", 430), ("crisis_blind_s_es.tsv", "es", 430))


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_s_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_s_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)
