"""Blind sets M: the second pair of measures written in session 25, before its training began.

``crisis_blind_m_en.tsv`` (English, 430 rows; branch ``s25-lem``, frozen at about 09:05 UTC on
2026-12-03: bush Alaska, Northern Plains small towns, ironworkers and linemen, families of
incarcerated people, refugees writing English as a third language, TikTok comments,
cracked-screen typos, 3 am texts, military spouses, warehouse night shift, Facebook mom groups,
check-in replies and bare commands) and ``crisis_blind_m_es.tsv`` (Spanish, 432 rows; branch
``s25-esm``, frozen at about 09:02 UTC: Patagonian oil-field workers, Chiloé salmon farms, the
Peruvian Amazon, Moroccan-Spanish youth, Haitian, Romanian and Ukrainian speakers writing
Spanish, Venezuelan caminantes and the Darién, forum first lines, TikTok captions, police and
soldiers, vets, call centres, delivery riders, commands and check-in replies). Each writer never
saw the cues, the model, the tests or any other set's rows; how, and the least certain labels,
are in the README beside each set, with the SHA-256 checked here. The trainer refuses both.

Measured once by the lead at 09:27 UTC on 2026-12-03, figures only (no row read), with session
25's model as it ships (chosen on dev rows before, never changed after), and session 22's model
in the same sitting for comparison:

==========  ==================================  ===============  ===============
set         session 25's model                  cues alone       session 22's
==========  ==================================  ===============  ===============
M English   recall 0.833 (179/215),             0.326 / 0.023    0.735 / 0.042
            false alarms 0.065 (14/215),
            kind 0.866 (155/179)
M Spanish   recall 0.824 (178/216),             0.347 / 0.088    0.722 / 0.083
            false alarms 0.074 (16/216),
            kind 0.876 (156/178)
==========  ==================================  ===============  ===============

Caught per kind (EN / ES): suicide 91/115 / 92/115, medical 40/43 / 39/44, violence 28/34 /
29/34, others 20/23 / 18/23. M is harder than L (the cues alone catch a third of its crises),
and both languages are short of 0.95 recall and over 0.05 false alarms. Once blind set N was
frozen, M was retired: the model that ships is trained on half of it (``held_back`` keeps the
other half out as dev), so the floors below (that first model's figures) are no longer blind.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_m_en.tsv": "9d0c9a757250e318ef11bd0a831dd4935aad41552f7155ce389933c2259c9c0d",
    "crisis_blind_m_es.tsv": "c796a42e2e297f53916cc4834cc10a61b46bf02dd6c66416e58ac1f9341d239a",
}
SHAPES = (("crisis_blind_m_en.tsv", "en", 430), ("crisis_blind_m_es.tsv", "es", 432))
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the figures
# measured once with the detector as it shipped.
SETS = (
    ("crisis_blind_m_en.tsv", "en", 195 / 215, 7 / 215, 173 / 195),
    ("crisis_blind_m_es.tsv", "es", 204 / 216, 12 / 216, 180 / 204),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_m_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_m_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_m_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
