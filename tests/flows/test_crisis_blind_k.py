"""Blind set K: the measure written after J, before session 23's tuning began.

``crisis_blind_k_{en,es}.tsv`` were written on branches ``s23-ken`` (English, 458 rows) and
``s23-kes`` (Spanish, 454 rows) by two helpers who never saw the cues, the model, the tests or
any other set's rows, in styles earlier sets did not centre (English: sea, rig and camp
workers, crypto ruin, immigrants, monitored teens, custody fights, texts as lists, over-polite
texts, travel, search-box queries, small business, nannies, disaster survivors, patients;
Spanish: Equatorial Guinea, Yucatán, Bogotá and Boyacá, Cali, Zulia, Catalan- and
Basque-influenced Spanish, Córdoba, asylum seekers at the border and in detention, evangelical
framing, telenovela drama, "asking for a friend", self-rating scales, prison and parole,
sextortion, disasters), with hard negatives in the same styles. How, and the least certain
labels, are in ``crisis_blind_k_{en,es}.README.md`` beside them, with the SHA-256 checked here.
They were frozen (10:28–10:30 UTC, 2026-12-02) before the fifth tuner began
(``s23-ctune5``, which never read them; ``scripts/train_crisis_model.py`` refuses them).

Measured by the lead, figures only (no row read), first with the detector as it shipped
before that tuning (commit b2f4333's cues and model):

==========  ==============================
set         before the tuning
==========  ==============================
K English   recall 0.848 (195/230),
            false alarms 0.026 (6/228),
            kind 0.867 (169/195)
K Spanish   recall 0.855 (200/234),
            false alarms 0.041 (9/220),
            kind 0.880 (176/200)
==========  ==============================

Cues alone, before: English 0.478 / 0.026, Spanish 0.483 / 0.050. Caught per kind before
(EN / ES): suicide 106/127 / 109/132, medical 41/46 / 38/45, violence 31/36 / 34/36, others
17/21 / 19/21.
"""

from __future__ import annotations

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_k_en.tsv": "c18e8ebc3e9805f466042721d454fb1f2e2d0999f8be797e6b8a3383f6ba29a5",
    "crisis_blind_k_es.tsv": "0ef916deb9d1d0436f451d62b6bd3583049325563067e6da08ddb4c8ee0a000d",
}
SHAPES = (("crisis_blind_k_en.tsv", "en", 458), ("crisis_blind_k_es.tsv", "es", 454))
# (file, language, minimum recall, maximum false alarms, minimum kind accuracy): the figures
# measured before session 23's tuning.
SETS = (
    ("crisis_blind_k_en.tsv", "en", 218 / 230, 4 / 228, 189 / 218),
    ("crisis_blind_k_es.tsv", "es", 218 / 234, 8 / 220, 190 / 218),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_k_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size"), SHAPES)
def test_blind_set_k_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "recall", "alarms", "kinds"), SETS)
def test_blind_set_k_recall_false_alarms_and_kind(
    name: str, language: str, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)
