"""Blind sets R: written in session 27 before its model was chosen, for the model after; unread.

``crisis_blind_r_en.tsv`` (English, 430 rows; branch ``s27-ren``, frozen at 16:40 UTC on
2026-12-03: care-home and assisted-living residents, meat-packing workers, freight-rail crews,
plumbers, carnival workers, dictated texts with the punctuation spoken, app-review style,
check-in replies and commands) and ``crisis_blind_r_es.tsv`` (Spanish, 430 rows; branch
``s27-res``, frozen at 16:43 UTC: Almería greenhouse workers, Potosí cooperative miners, Peruvian
sheepherders on US ranches, Pasto and Nariño, Holy Week brotherhoods, CrossFit members, airline
cabin crew, speech to the voice menu as a recogniser renders it, commands and check-ins). Each
writer never saw the cues, the model, the tests or any other set's rows; how, and the least
certain labels, are in the README beside each set, with the SHA-256 checked here. The trainer
refuses both (``NEVER``).

Training set 8 was written in the same minutes, blind to R, and chose some of the same voices
(English: care homes, railroad crews, meatpacking, dictated punctuation; Spanish: Almería
greenhouses, Potosí miners). Those blocks were moved out of train8, unread, into
``crisis_train8r_*`` (``AFTER_R`` in the trainer), which is not trained on until R is measured.
Nobody has measured R: no figure is asserted until a model is chosen on dev rows and R is read
once, figures only.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_frozen, check_shape

FROZEN = {
    "crisis_blind_r_en.tsv": "b9876028e097cf47ab631e0166909bba961b0c4416241261ea64ac2216fafdde",
    "crisis_blind_r_es.tsv": "e73200e3f0a037eabd7839fe03de903033cb47e0371b3acc545070e5d84b60f5",
}
SHAPES = (("crisis_blind_r_en.tsv", "en", 430), ("crisis_blind_r_es.tsv", "es", 430))


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_r_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_r_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)
