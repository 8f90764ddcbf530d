"""Blind sets O: the measures written in session 25 after N was measured, while the language of
a text came to be read by lingua (its 0.7 confidence chosen on tests/data's older sets) and the
trainer chose Spanish's cut again (started 10:06 UTC, before O was frozen; it never reads O).

``crisis_blind_o_en.tsv`` (English, 430 rows; branch ``s25-oen``, frozen at about 10:08 UTC on
2026-12-03: zookeepers, taxi and radio dispatchers, moving crews, foster parents, grandparents
raising grandchildren, texts from a library computer, amateur boxers, stagehands and road crew,
youth pastors, lowercase poetry fragments, check-in replies and commands) and
``crisis_blind_o_es.tsv`` (Spanish, 438 rows; branch ``s25-oes``, frozen at about 10:09 UTC: the
Colombian Pacific coast, Dominican baseball academies, Argentine psychoanalysis patients,
Discord servers, people writing about themselves in the third person, library and cybercafé
computers, remote tech workers with English loanwords, Piura and the northern Peruvian coast,
commands and check-in replies; most without accents). Each writer never saw the cues, the
model, the tests or any other set's rows; how, and the least certain labels, are in the README
beside each set, with the SHA-256 checked here. The trainer refuses both. (The Spanish writer's
brief asked for short texts, no accents and English loanwords, as phones are typed, after the
lead had seen the common-word check miss Spanish written that way.)

Measured once by the lead at 10:15 UTC on 2026-12-03, figures only (no row read), with the
detector as it ships (chosen on dev rows before, never changed after):

==========  ==================================  ===============
set         as shipped                          cues alone
==========  ==================================  ===============
O English   recall 0.819 (176/215),             0.344 / 0.056
            false alarms 0.042 (9/215),
            kind 0.864 (152/176)
O Spanish   recall 0.775 (169/218),             0.381 / 0.041
            false alarms 0.032 (7/220),
            kind 0.899 (152/169)
==========  ==================================  ===============

Caught per kind (EN / ES): suicide 86/115 / 84/117, medical 40/43 / 34/43, violence 32/34 /
33/35, others 18/23 / 18/23. False alarms are inside 0.05 in both languages; recall is 13 and
18 points short of 0.95. Of O's Spanish crises, the common-word check alone would have answered
61 of 218 in English; the reply's language, read with lingua, answered none.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_o_en.tsv": "f63154a3b00dd787db52ff567eaa596abf00afc5a26f498b1c7db9496b9f01df",
    "crisis_blind_o_es.tsv": "f82a1b0568f968eb14fa9f75056211f88e4bd600f5a475f893d69072ddb313b4",
}
SHAPES = (("crisis_blind_o_en.tsv", "en", 430), ("crisis_blind_o_es.tsv", "es", 438))
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the figures
# measured with the detector as it ships (since session 26 trained on half of each set, so no
# longer blind: the blind reading is in the docstring).
SETS = (
    ("crisis_blind_o_en.tsv", "en", 201 / 215, 6 / 215, 180 / 201),
    ("crisis_blind_o_es.tsv", "es", 200 / 218, 8 / 220, 177 / 200),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_o_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_o_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_o_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
