"""Blind sets Q: written in session 26 after its model shipped, read once by session 27.

``crisis_blind_q_en.tsv`` (English, 430 rows; branch ``s26-qen``, frozen at about 14:06 UTC on
2026-12-03: thru-hikers, auto mechanics, dental office staff, tow-truck drivers, golf-course
grounds crew, apartment supers, rodeo riders, one- and two-word replies, check-ins and
commands) and ``crisis_blind_q_es.tsv`` (Spanish, 433 rows; branch ``s26-qes``, frozen at about
14:50 UTC: Cuenca, Mallorca, Tabasco, street jugglers at traffic lights, cycling and running
clubs, anime and cosplay fans, bar and club staff, commands and short replies). Each writer
never saw the cues, the model, the tests or any other set's rows; how, and
the least certain labels, are in the README beside each set, with the SHA-256 checked here. The
trainer refused both (``NEVER``) until they were read; since then half of each is trained on.

Q was read once, figures only, at 17:01 UTC on 2026-12-03, after session 27's first model was
chosen on dev rows (P's half and train8 added to its training; nothing else changed in the
detector since session 26 shipped). Session 26's model and the cues alone in the same sitting:

===========  =================================  =================  ===============
set          session 27, first model            session 26         cues alone
===========  =================================  =================  ===============
Q English    recall 0.926 (199/215),            0.902 / 0.056      0.437 / 0.028
             false alarms 0.051 (11/215),
             kind 0.899 (179/199)
Q Spanish    recall 0.874 (188/215),            0.814 / 0.060      0.400 / 0.055
             false alarms 0.064 (14/218),
             kind 0.862 (162/188)
===========  =================================  =================  ===============

Caught per kind (EN / ES): suicide 102/114 / 92/114, medical 42/43 / 41/43, violence 33/34 /
31/34, others 22/24 / 24/24. English is one false alarm over 0.05 and 2.4 points short of 0.95
recall; Spanish is 7.6 points short and over 0.05 false alarms, 9 of the 14 raised by the cues too
(alone they raise 12; the model's veto lowers 3). Suicide and self-harm stay the weakest kind.

After that reading Q was spent: its false alarms were read, the cues mended on six of them (see
``test_crisis_blind_r.py``), and half of each set trained on by session 27's second model.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_q_en.tsv": "43a082897a4d9cb37724283d87b19c220bc22393a986e72e6001c15e17a0cb33",
    "crisis_blind_q_es.tsv": "0ea9ee9419e727d4380da0bc05cbdeb9c3bd31da39dc27fa6642cc744023bb0a",
}
SHAPES = (("crisis_blind_q_en.tsv", "en", 430), ("crisis_blind_q_es.tsv", "es", 433))
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the figures
# measured with the detector as it ships (since session 27's second model trained on half of each
# set, and cues mended on its false alarms, so no longer blind: the blind reading is above).
SETS = (
    ("crisis_blind_q_en.tsv", "en", 207 / 215, 5 / 215, 189 / 207),
    ("crisis_blind_q_es.tsv", "es", 205 / 215, 6 / 218, 185 / 205),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_q_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_q_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_q_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
