"""Blind sets P: the measures written in session 26, frozen as that session's model runs began.

``crisis_blind_p_en.tsv`` (English, 430 rows; branch ``s26-pen``, frozen at about 12:50 UTC on
2026-12-03: underground coal miners, funeral-home staff, sports bettors and gamblers, school
teachers, real-estate agents, night security guards, scuba instructors and dive-boat crew,
beekeepers, openers that greet and apologise to the line, check-in replies and commands) and
``crisis_blind_p_es.tsv`` (Spanish, 430 rows; branch ``s26-pes``, frozen at about 12:52 UTC:
Mendoza and Cuyo, Santander, Veracruz, Mexican dairy-farm workers in the US, K-pop fandom,
PhD and postdoc researchers, apartment-building neighbours' groups, restaurant line cooks,
commands and check-in replies). Each writer never saw the cues, the model, the tests or any other
set's rows; how, and the least certain labels, are in the README beside each set, with the
SHA-256 checked here. The trainer refuses both.

Three things to weigh with the figures. The training set 7 writers worked at the same time,
blind to P, yet chose some of the same voices: Spanish train7 has Mendoza vineyard workers (13
rows), Veracruz (8), K-pop fans (10) and a restaurant kitchen (10); English train7 has a funeral
director among its jobs. The model's one new lever (naive-Bayes feature scales, chosen on dev
rows) was tried in runs that began at 12:50, as P was frozen; it was chosen on dev figures only,
before P was read. And P was read twice: first at 13:14 UTC, then at 13:34 after one change made
for a tuning-set test, not for P — the veto, one for both languages (0.3), lowered "in the movie
theater parking lot im going to kill myself" to a concern under the new model, so each language
got its own, chosen on dev rows (English 0.15, Spanish 0.3; the trainer's ``VETOES``).

Figures only (no row read), with session 25's detector and the cues alone in the first sitting:

===========  =================================  =================  ===============  ============
set          ships (second reading, 13:34)      first reading      session 25       cues alone
===========  =================================  =================  ===============  ============
P English    recall 0.940 (202/215),            0.944 / 0.051      0.907 / 0.047    0.470 / 0.037
             false alarms 0.051 (11/215),
             kind 0.906 (183/202)
P Spanish    recall 0.893 (192/215),            0.893 / 0.009      0.856 / 0.014    0.460 / 0.033
             false alarms 0.009 (2/215),
             kind 0.875 (168/192)
===========  =================================  =================  ===============  ============

Caught per kind as it ships (EN / ES): suicide 104/114 / 97/114, medical 42/43 / 41/43,
violence 33/34 / 33/34, others 23/24 / 21/24. English is one false alarm over 0.05 and a point
short of 0.95; Spanish is well inside the false alarms and 6 points short. Suicide and self-harm
stay the weakest kind.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_p_en.tsv": "e5e34b643a498f0560a6a040478e2cfe10311d0317b653aee34492370d8fe0b0",
    "crisis_blind_p_es.tsv": "f81d3f0ee92c5896fd1a4a518ba78a495df76966cb98fa42a3f6b38112efd061",
}
SHAPES = (("crisis_blind_p_en.tsv", "en", 430), ("crisis_blind_p_es.tsv", "es", 430))
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the figures
# measured with the detector as it ships (since session 27 trained on half of each set, so no
# longer blind: the blind readings are in the docstring).
SETS = (
    ("crisis_blind_p_en.tsv", "en", 211 / 215, 7 / 215, 196 / 211),
    ("crisis_blind_p_es.tsv", "es", 205 / 215, 3 / 215, 186 / 205),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_p_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_p_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_p_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
