"""Blind sets Q: written in session 26 after its model shipped, for the next model; unread.

``crisis_blind_q_en.tsv`` (English, 430 rows; branch ``s26-qen``, frozen at about 14:06 UTC on
2026-12-03: thru-hikers, auto mechanics, dental office staff, tow-truck drivers, golf-course
grounds crew, apartment supers, rodeo riders, one- and two-word replies, check-ins and
commands) and ``crisis_blind_q_es.tsv`` (Spanish, 433 rows; branch ``s26-qes``, frozen at about
14:50 UTC: Cuenca, Mallorca, Tabasco, street jugglers at traffic lights, cycling and running
clubs, anime and cosplay fans, bar and club staff, commands and short replies). Each writer
never saw the cues, the model, the tests or any other set's rows; how, and
the least certain labels, are in the README beside each set, with the SHA-256 checked here. The
trainer refuses both (``NEVER``). Nobody has measured them: no figure is asserted until the next
model is chosen on dev rows and Q is read once, figures only.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_frozen, check_shape

FROZEN = {
    "crisis_blind_q_en.tsv": "43a082897a4d9cb37724283d87b19c220bc22393a986e72e6001c15e17a0cb33",
    "crisis_blind_q_es.tsv": "0ea9ee9419e727d4380da0bc05cbdeb9c3bd31da39dc27fa6642cc744023bb0a",
}
SHAPES = (("crisis_blind_q_en.tsv", "en", 430), ("crisis_blind_q_es.tsv", "es", 433))


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_q_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_q_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)
