"""Blind set G: the untouched measure of the crisis detector.

``crisis_blind_g_{en,es}.tsv`` were written on branches ``s20-cgwrite`` (English, 439 rows) and
``s20-cgwes`` (Spanish, 429 rows) by two helpers who never saw the cues, the model, the tests or
any other set, in styles no earlier set used: the line's own users (replies to a volunteer
mid-conversation and to meeting reminders, voicemail transcriptions, long texts with the danger
at the end, older adults' formal texts, teen slang and emoji, autocorrect, family reports,
command words opening a sentence, Spanish from nine regions and US Spanglish) and hard
negatives in the same proportion. How, and the least certain labels, are in
``crisis_blind_g_{en,es}.README.md`` beside them, with the SHA-256 checked here. They were
frozen before session 20's tuning began (``s20-ctune``, which never read them;
``scripts/train_crisis_model.py`` refuses them), and measured exactly once, by the lead, after
that tuning was merged, with nothing changed after:

===========  ===================  ====================  ===================  ===============
set          recall               false alarms          kind named right     cues alone
===========  ===================  ====================  ===================  ===============
G English    0.806 (179/222)      0.046 (10/217)        0.877 (157/179)      0.622 / 0.037
G Spanish    0.771 (172/223)      0.073 (15/206)        0.890 (153/172)      0.565 / 0.053
===========  ===================  ====================  ===================  ===============

Caught per kind (EN / ES): suicide 90/114 / 98/125, medical 35/45 / 32/42, violence 34/41 /
29/38, others 20/22 / 13/18. English false alarms are inside 0.05; recall is short of 0.95 in
both languages, and Spanish false alarms are over. These are floors at exactly the figures
measured; the rows stay unread by whoever tunes the detector (figures only, never a row).

Session 20, second tuner (branch ``s20-ctune2``): **G is a training set now, in half, not a
measure**; blind set H is the untouched measure. The model trains on the rows
``scripts/train_crisis_model.py``'s ``held_back`` leaves (CRC-32 of the text even); the odd
half of G and of F is a dev measure no row of which was trained on, though the HIGH
false-alarm rate and the veto were chosen looking at its figures. The ``SETS`` rows are what G
scores now, whole, so they flatter the detector; the once-measured figures above stay the
record. See ``DEV`` below for the held-back half.
"""

from __future__ import annotations

import zlib

import pytest

from tests.flows.blind import check_figures, check_frozen, check_shape, rows

FROZEN = {
    "crisis_blind_g_en.tsv": "cf904e0d5d638e492219913f4ce2b2f2f2819e5d2332f6877b8d658a8076d73f",
    "crisis_blind_g_es.tsv": "aff1d60884a7c4e949841cc3c35f8bc50d797c5115115f4b7d794d180373a1f4",
}
# (file, language, rows, minimum recall, maximum false alarms, minimum kind accuracy): what G
# scores as a training set (its even half) since session 20's second tuner; the figures of
# its one measurement are in the docstring above. Session 21 (s21-ctune3) retrained with train4
# and every weight kept: Spanish false alarms on the whole of G 4 -> 5 (the trained half).
SETS = (
    ("crisis_blind_g_en.tsv", "en", 439, 217 / 222, 4 / 217, 191 / 217),
    ("crisis_blind_g_es.tsv", "es", 429, 217 / 223, 4 / 206, 197 / 217),
)


@pytest.mark.parametrize(("name", "digest"), FROZEN.items())
def test_blind_set_g_is_frozen_as_its_readme_says(name: str, digest: str) -> None:
    check_frozen(name, digest, name.replace(".tsv", ".README.md"))


@pytest.mark.parametrize(("name", "language", "size", "_r", "_f", "_k"), SETS)
def test_blind_set_g_is_one_language_and_labelled_by_kind(
    name: str, language: str, size: int, _r: float, _f: float, _k: float
) -> None:
    check_shape(name, language, size)


@pytest.mark.parametrize(("name", "language", "_size", "recall", "alarms", "kinds"), SETS)
def test_blind_set_g_recall_false_alarms_and_kind(
    name: str, language: str, _size: int, recall: float, alarms: float, kinds: float
) -> None:
    check_figures(rows(name), language, recall, alarms, kinds)


# The held-back halves of F and G (CRC-32 of the text odd): never a training row of the model.
# (files, language, minimum recall, maximum false alarms), F's and G's halves together.
# Session 27 (P's and Q's halves and train8 added): English 238/247 at 5/190, Spanish 226/235 at
# 7/191 (session 26: 223 at 4).
DEV = (
    (("crisis_blind_f_en.tsv", "crisis_blind_g_en.tsv"), "en", 238 / 247, 5 / 190),
    (("crisis_blind_f_es.tsv", "crisis_blind_g_es.tsv"), "es", 226 / 235, 7 / 191),
)


def held_back(text: str) -> bool:
    """The dev half: the rows scripts/train_crisis_model.py's ``held_back`` keeps out."""
    return zlib.crc32(text.encode("utf-8")) % 2 == 1


@pytest.mark.parametrize(("names", "language", "recall", "alarms"), DEV)
def test_held_back_halves_of_f_and_g(
    names: tuple[str, ...], language: str, recall: float, alarms: float
) -> None:
    found = [row for name in names for row in rows(name) if held_back(row[2])]
    check_figures(found, f"{language} dev", recall, alarms)


# A probe written by session 20's second tuner after its last training rows, measured once
# before any change (short SMS fragments, formal elders, third-party reports, regional Spanish,
# each risky text beside a safe twin); never trained on: training on it moved the English dev
# half over 0.05 false alarms. (file, language, minimum recall, maximum false alarms)
# Session 21: Spanish 31/36 and 2/38 -> 29/36 and 1/38 (its Spanish threshold rose to keep the
# Spanish dev half at 8 false alarms; at the lower one it raised 9, and 3 here).
# Session 22: Spanish 29/36 -> 28/36. The retrained model (abbreviations spelled out) chose an
# English threshold of 0.74 out of fold, was 0.73, and one text here that reads as English
# (``looks_spanish`` says no) scores 0.74 with both models: the same probability, a cut 0.01 higher.
# Session 25: each language's cut is now chosen on the dev rows, probe3 among them. The first
# model (cuts English 0.62, Spanish 0.59) caught 30/32 at 6/38 and 32/36 at 4/38; the one that
# ships, trained on half of L and M too, with their other halves among the dev rows (cuts 0.66
# and 0.73, the language read by lingua), 28/32 at 6/38 and 30/36 at 2/38.
PROBES = (
    ("crisis_probe3_en.tsv", "en", 30 / 32, 7 / 38),
    ("crisis_probe3_es.tsv", "es", 33 / 36, 3 / 38),
)


@pytest.mark.parametrize(("name", "language", "recall", "alarms"), PROBES)
def test_probe_written_after_training(
    name: str, language: str, recall: float, alarms: float
) -> None:
    found = rows(name)
    assert {lang for _, lang, _, _ in found} == {language}
    check_figures(found, f"{language} probe", recall, alarms)
