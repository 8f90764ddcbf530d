"""Blind sets R: written in session 27 before its models were chosen, read once by its second.

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
R was read once, figures only, at 17:43 UTC on 2026-12-03, after session 27's second model was
chosen on dev rows. Between the first model (which read Q) and the second, the cues were mended
on four of Q's Spanish false alarms and two English ones (a Spanish death wish with a laugh after
it, a move named before a goodbye, asking what "kms" or "ctb" means), and half of Q was trained
on. The other columns are the same sitting, with the same (mended) cues:

===========  =================================  =================  ==============  ===========
set          session 27 (ships)                 session 27 first   session 26's    cues alone
===========  =================================  =================  ==============  ===========
R English    recall 0.972 (209/215),            0.967 / 0.014      0.967 / 0.014   0.442 / 0.014
             false alarms 0.014 (3/215),
             kind 0.856 (179/209)
R Spanish    recall 0.921 (198/215),            0.879 / 0.056      0.893 / 0.056   0.367 / 0.060
             false alarms 0.056 (12/215),
             kind 0.848 (168/198)
===========  =================================  =================  ==============  ===========

Caught per kind (EN / ES): suicide 110/114 / 100/114, medical 41/43 / 43/43, violence 34/34 /
32/34, others 24/24 / 23/24. English meets 0.95 / 0.05 on R, but weigh it: R English was written
in about four minutes, its writer says its plain-worded rows follow shapes P's and Q's READMEs
describe, and session 26's model scores it as high (0.967), so R English reads easy; the gain
over the older models is the figure to trust. Spanish is 2.9 points short of 0.95 recall and one
false alarm over 0.05, with the cues alone raising 13: the Spanish cues still start most false
alarms. The kind named right fell (English 0.880 with the first model, 0.856 now).
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_r_en.tsv": "b9876028e097cf47ab631e0166909bba961b0c4416241261ea64ac2216fafdde",
    "crisis_blind_r_es.tsv": "e73200e3f0a037eabd7839fe03de903033cb47e0371b3acc545070e5d84b60f5",
}
SHAPES = (("crisis_blind_r_en.tsv", "en", 430), ("crisis_blind_r_es.tsv", "es", 430))
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the one blind
# reading, with the detector as it ships.
SETS = (
    ("crisis_blind_r_en.tsv", "en", 209 / 215, 3 / 215, 179 / 209),
    ("crisis_blind_r_es.tsv", "es", 198 / 215, 12 / 215, 168 / 198),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_r_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_r_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_r_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
