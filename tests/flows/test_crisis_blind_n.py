"""Blind sets N: the measures written in session 25 after L and M were measured, before the
training that retired them began.

``crisis_blind_n_en.tsv`` (English, 434 rows; branch ``s25-nen``, frozen at about 09:37 UTC on
2026-12-03: flight crews, Pasifika English, texts sent from someone else's phone, hospital night
cleaners, PhD students, court-involved youth, hunters, cruise-ship crew, wildland firefighters,
ski-town workers, a hair salon, check-in replies and commands) and ``crisis_blind_n_es.tsv``
(Spanish, 430 rows; branch ``s25-nes``, frozen at about 09:40 UTC: the Argentine Litoral, Spanish
Erasmus students, border maquila workers, opositores, hotel housekeepers, mariachi and banda
musicians, Spanish warehouse workers, Gibraltar llanito, Camino de Santiago pilgrims, cruise-ship
crew, beauty salons, commands and check-in replies). Each writer never saw the cues, the model,
the tests or any other set's rows; how, and the least certain labels, are in the README beside
each set, with the SHA-256 checked here. The trainer refuses both. (The English writer's brief
asked for minor injuries and ordinary medical talk among the hard negatives, after the lead had
seen the first session 25 model raise "my nose is bleeding".)

Measured once by the lead at 09:53 UTC on 2026-12-03, figures only (no row read), with the model
as it ships (trained on half of L and M as well; chosen on dev rows before, never changed after),
and two earlier models in the same sitting for comparison:

==========  ==================================  ===============  ==============  =============
set         as shipped                          cues alone       s25 first       session 22's
==========  ==================================  ===============  ==============  =============
N English   recall 0.870 (188/216),             0.319 / 0.014    0.889 / 0.050   0.852 / 0.037
            false alarms 0.041 (9/218),
            kind 0.872 (164/188)
N Spanish   recall 0.809 (174/215),             0.349 / 0.051    0.851 / 0.070   0.758 / 0.070
            false alarms 0.056 (12/215),
            kind 0.862 (150/174)
==========  ==================================  ===============  ==============  =============

Read a second time at 10:15 UTC, after the language of a text came to be read by lingua
(``hotline.flows.language``) and Spanish's cut was chosen again on the dev rows (0.78 -> 0.73;
the weights unchanged): English the same, Spanish recall 0.842 (181/215), false alarms 0.056
(12/215), kind 0.867 (157/181). The floors below are that second reading. Of N's Spanish crises,
56 of 215 had been answered in English; now none.

"s25 first" is session 25's first model (trained on half of F to K; cuts English 0.62, Spanish
0.59), which M and English L measured; the one that ships chose higher cuts (0.66, 0.78) on dev
rows that now hold L's and M's held-back halves, and traded recall for false alarms. Caught per
kind (EN / ES): suicide 95/115 / 88/115, medical 39/44 / 37/43, violence 33/34 / 29/34, others
21/23 / 20/23.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_n_en.tsv": "63f89b209e1f97d6b8b73ada5b7eda39eec54f8d9cdf0c254c42093a47b9cf99",
    "crisis_blind_n_es.tsv": "2dfbadbc94bf156e4d7c3f9e685daf96bc881cafdcb5e03257cc68a7d41f9be3",
}
SHAPES = (("crisis_blind_n_en.tsv", "en", 434), ("crisis_blind_n_es.tsv", "es", 430))
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the figures
# measured with the detector as it ships (since session 26 trained on half of each set, so no
# longer blind: the blind readings are in the docstring).
SETS = (
    ("crisis_blind_n_en.tsv", "en", 211 / 216, 6 / 218, 186 / 211),
    ("crisis_blind_n_es.tsv", "es", 201 / 215, 9 / 215, 177 / 201),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_n_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_n_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_n_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
