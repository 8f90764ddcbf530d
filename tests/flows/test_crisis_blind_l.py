"""Blind set L: the measure written after K, before session 24's training began.

``crisis_blind_l_es.tsv`` (Spanish, 435 rows) was written on branch ``s24-les`` by a helper who
never saw the cues, the model, the tests or any other set's rows, in styles earlier sets did not
centre (north-west Argentina, rural Castilla and Extremadura, the Venezuelan Andes, Quito, the
Llanos, New Mexico Spanish, sports team chats, taxi and ride-share drivers, fishermen, dialysis
and cancer patients, eviction and debt, dating apps, replies to the line's check-in), with hard
negatives in the same styles. How, and the least certain labels, are in
``crisis_blind_l_es.README.md`` beside it, with the SHA-256 checked here. It was frozen at about
19:58 UTC on 2026-12-02; ``scripts/train_crisis_model.py`` refuses it. The English half was not
written this session (its writer was cut off).

Measured once by the lead at 21:25 UTC, figures only (no row read), with the detector as it
ships (unchanged since session 22: the cues and model of commit b2f4333):

==========  ==============================
set         as shipped
==========  ==============================
L Spanish   recall 0.879 (189/215),
            false alarms 0.059 (13/220),
            kind 0.915 (173/189)
==========  ==============================

Cues alone: 0.488 / 0.068. Caught per kind: suicide 100/115, medical 37/43, violence 31/34,
others 21/23.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_l_es.tsv": "ff4c9355cc6fb97399657f88192abbacaaf3b45d956d5a0ce4f298cc4fea9f57",
}
SHAPES = (("crisis_blind_l_es.tsv", "es", 435),)
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the figures
# measured once with the detector as it shipped.
SETS = (("crisis_blind_l_es.tsv", "es", 189 / 215, 13 / 220, 173 / 189),)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_l_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_l_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_l_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
