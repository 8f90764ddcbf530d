"""Train the crisis detector's small learned model and write config/crisis_model.json.

Run from the repository root: `.venv/bin/python scripts/train_crisis_model.py`. Standard
library only. Deterministic: a fixed seed shuffles the rows, so a rerun writes the same weights
(only the date in the header changes).

The model is L2-regularised logistic regression, trained with Adagrad, over the features of
``hotline.flows.crisis.model.features`` on ``crisis.normalise`` output: character 3- to
5-grams and word 1- and 2-grams, the same family as scikit-learn's n-gram vectorisers with a
linear model, here in the standard library so the line needs no numeric packages. Since
session 26 each feature is scaled by its naive-Bayes log-count ratio (``log_count_ratios``,
Wang and Manning's NBSVM) while training, and the scales are folded into the weights written,
so the line reads them as before (``NB``). It trains
on the labelled, held-out, blind A and B sets, the dev sets (``crisis_dev_*``, and
``crisis_dev2_*``: the families the E measure missed, in new words), the false alarms found in
use (``crisis_in_use.tsv``: ordinary goodbyes, supportive replies), ``crisis_train3_*`` (session
20's second tuner: communities and styles the others lack, each risky text beside a safe one in
the same words) and, since they became tuning sets, blind sets C, D and E, and half of F and of
G: the rows ``held_back`` leaves, the other half being the dev measure no row of which is ever
trained on, and (session 21) two thirds of ``crisis_train4_*`` (the rows ``held_back4`` leaves:
CRC-32 of the normalised text mod 3 != 0; the other third is a second dev measure). Session 24
added half of blind sets H, I, J and K (each measured once while blind; ``held_back`` keeps the
other half out as dev, as for F and G) and two thirds of ``crisis_train5_*`` and
``crisis_train6_*`` (``held_back4``, as for train4). Session 25 added half of blind sets L and M
(measured once while blind). Session 26 added half of blind sets N and O (each measured once
while blind) and two thirds of ``crisis_train7_*``. Session 27 added half of blind sets P (measured
while blind as session 26 shipped) and Q (measured once while blind by session 27's first model)
and two thirds of ``crisis_train8_*``. Blind sets R (``crisis_blind_r_*``), frozen in session 27
before its models were chosen, and S (``crisis_blind_s_*``), frozen before its second, are never
read here: ``NEVER`` refuses them.
It reads each text as the detector's model does: normalised (``Detector.normalise``: with
``spelling.refine``'s vocabulary, the training text's words, which the model file keeps as
``words``), small talk removed (``Detector.evidence``).

``--variants N`` adds N noisy variants of every training row (``noisy``: an expletive inside,
two words run together, a typo, abbreviations, speech-to-text lowercase), made only from rows
already kept, so no variant of a held-back row is trained on; a variant trains with its row's
fold. Session 22 measured one variant against none on the dev rows: recall and false alarms
rose together (at equal false alarms no gain), so the shipped file has none (``VARIANTS``).

The regularisation and number of passes are chosen from a small grid by 5-fold
cross-validation on those sets (recall at the HIGH threshold, out of fold). MID, for each
language on its own rows, comes from the same cross-validation: the lowest probability at which
the model alone, scoring rows it was not trained on, flags at most 15% of that language's
negatives. HIGH did too until session 25 (5% of negatives, Spanish 4%); now each language's HIGH
is chosen on its dev rows (``dev_rows``: the held-back halves of F to Q and probe3), with cues
and model together as they run, as the lowest cut whose false alarms there stay at or under
``DEV_FALSE_ALARM`` (``dev_cut``). The grid's pick (most passes win ties) read the held-back
halves worse than 4 passes at l2 1e-3, so the shipped file was written with
``--epochs 4 --l2 1e-3``:

    .venv/bin/python scripts/train_crisis_model.py --epochs 4 --l2 1e-3

The main model keeps every weight, packed (``crisis_model.pack``: index gaps and hundredths,
thousandths until session 25), so the file stays under 1.1 MB (1 MB until session 27). Until
session 20 it kept only its 45,000 strongest weights, which cost recall the thresholds (chosen on
whole models out of fold) did not see.

Four small heads, trained on the crisis rows that have a kind column only (rows without one are
left out, not taken for suicide), one kind against the others each, tell the kind of danger
when the model raises a verdict the cues missed: the head with the highest margin wins.
``bench/crisis_dev.py`` prints the dev figures (recall, false alarms, kind named right).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from zlib import crc32

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.crisis.detector import load_cues  # noqa: E402
from hotline.flows.crisis.detect import Detector, normalise, parse_model  # noqa: E402
from hotline.flows.crisis.model import BUCKETS, features, margin, pack  # noqa: E402
from hotline.flows.crisis.spelling import Vocabulary  # noqa: E402
from hotline.settings import config_dir  # noqa: E402

DATA = ROOT / "tests" / "data"
TRAINING_SETS = (
    "crisis_labelled.tsv",
    "crisis_heldout.tsv",
    "crisis_blind_a.tsv",
    "crisis_blind_b.tsv",
    "crisis_dev_en.tsv",
    "crisis_dev_es.tsv",
    "crisis_in_use.tsv",
    "crisis_dev2_en.tsv",
    "crisis_dev2_es.tsv",
    "crisis_blind_c_en.tsv",
    "crisis_blind_c_es.tsv",
    "crisis_blind_d_en.tsv",
    "crisis_blind_d_es.tsv",
    "crisis_blind_e_en.tsv",
    "crisis_blind_e_es.tsv",
    "crisis_train3_en.tsv",
    "crisis_train3_es.tsv",
)
# Spent measures trained on in part: the rows ``held_back`` keeps out are the dev measure.
HALF_SETS = (
    "crisis_blind_f_en.tsv",
    "crisis_blind_f_es.tsv",
    "crisis_blind_g_en.tsv",
    "crisis_blind_g_es.tsv",
    # Session 24: H, I, J and K, each measured once while blind, retired the same way once L
    # was frozen to take their place.
    "crisis_blind_h_en.tsv",
    "crisis_blind_h_es.tsv",
    "crisis_blind_i_en.tsv",
    "crisis_blind_i_es.tsv",
    "crisis_blind_j_en.tsv",
    "crisis_blind_j_es.tsv",
    "crisis_blind_k_en.tsv",
    "crisis_blind_k_es.tsv",
    # Session 25: L and M, each measured once while blind (M and English L with session 25's
    # first model, Spanish L with session 22's), retired the same way once N was frozen.
    "crisis_blind_l_en.tsv",
    "crisis_blind_l_es.tsv",
    "crisis_blind_m_en.tsv",
    "crisis_blind_m_es.tsv",
    # Session 26: N and O, each measured once while blind (N with session 25's second model,
    # O as session 25 shipped), retired the same way once P was frozen.
    "crisis_blind_n_en.tsv",
    "crisis_blind_n_es.tsv",
    "crisis_blind_o_en.tsv",
    "crisis_blind_o_es.tsv",
    # Session 27: P, measured (twice: see its test) while blind as session 26 shipped, retired
    # the same way once Q was frozen and R written.
    "crisis_blind_p_en.tsv",
    "crisis_blind_p_es.tsv",
    # Later in session 27: Q, measured once while blind by that session's first model, retired
    # the same way (R being frozen) after cues were mended on its false alarms.
    "crisis_blind_q_en.tsv",
    "crisis_blind_q_es.tsv",
)
# Session 21's training sets, trained on but for the third ``held_back4`` keeps out (dev).
THIRD_SETS = (
    "crisis_train4_en.tsv",
    "crisis_train4_es.tsv",
    "crisis_train5_en.tsv",  # session 23's: broad voices, each risky text beside a safe twin
    "crisis_train5_es.tsv",
    "crisis_train6_en.tsv",  # session 23's: danger words used safely, crises without them
    "crisis_train6_es.tsv",
    "crisis_train7_en.tsv",  # session 26's: suicide and self-harm in plain words, with twins
    "crisis_train7_es.tsv",
    "crisis_train8_en.tsv",  # session 27's: the same aim, new voices, with twins
    "crisis_train8_es.tsv",
)
# Session 27's train8 blocks in the voices blind set R chose too (written side by side, each blind
# to the other): kept out until R has been measured, so R reads voices the model never learnt.
AFTER_R = ("crisis_train8r_en.tsv", "crisis_train8r_es.tsv")
# Session 27's train9, written after its models were chosen (aimed at the false alarms Q showed
# and at plain-worded suicide): for the next model, not read yet (add it to THIRD_SETS then).
NEXT_SETS = ("crisis_train9_en.tsv", "crisis_train9_es.tsv")
NEVER = (  # the untouched measures: never read here
    # R, written and frozen in session 27 before its models were chosen, read once by its second
    # (figures only): retire it next, with ``AFTER_R``.
    "crisis_blind_r_en.tsv",
    "crisis_blind_r_es.tsv",
    "crisis_blind_r.tsv",
    # S, written and frozen in session 27 (17:41 UTC) before its second model was chosen: unread.
    "crisis_blind_s_en.tsv",
    "crisis_blind_s_es.tsv",
)
NEVER_PREFIXES = ("crisis_blind_r", "crisis_blind_s")
VARIANTS = 0  # noisy variants of each training row (``noisy``): none ship, see the docstring
GRID = ((4, 1e-3), (8, 1e-3), (8, 3e-4), (12, 3e-4), (12, 1e-4))
DANGERS = ("suicide", "medical", "violence", "others")
HEAD_EPOCHS, HEAD_L2 = 12, 3e-4
HEAD_WEIGHTS = 7500  # each danger head keeps its strongest weights only, to stay small (<1.1 MB)
# The main model keeps every weight: cut to its 45,000 strongest (session 20, to stay under 1 MB
# unpacked) it caught 0.895 of the held-back F+G crises in English at 0.042 false alarms, whole
# 0.943. Packed (``crisis_model.pack``), the file stays under 1.1 MB.
OUTPUT = ROOT / "config" / "crisis_model.json"
SEED = 20261122
LEARNING_RATE = 0.5
FOLDS = 5
HIGH_FALSE_ALARM = 0.08
# Per language, lower since the model keeps every weight (session 21): at 8% (English 7%) the
# held-back halves of F and G rose over 0.05 false alarms in Spanish (0.058); Spanish at 5% (0.70)
# raised 9 of their 191 negatives and 3 of probe3's 38, at 4% (0.75) 8 and 1.
LANGUAGE_HIGH_FALSE_ALARM = {"en": 0.05, "es": 0.04}
MID_FALSE_ALARM = 0.15
# Since session 25 each language's HIGH is chosen on its dev rows (``dev_rows``: the held-back
# halves of F to Q and probe3; F to K for session 25's first model, F to M for its second, F to
# O for session 26's, F to P for session 27's first), with
# the cues and the model together as they run: the lowest cut at which those rows' false alarms
# stay at or under this rate, which catches the most crises.
# Out of fold (above) the cut counts only the model's own flags, and on the dev rows it left
# recall unspent: English 0.886 at 0.031 false alarms with the out-of-fold 0.76, 0.926 at 0.045
# with 0.62.
DEV_FALSE_ALARM = 0.045
DEV_CUTS = tuple(round(0.40 + 0.01 * i, 2) for i in range(46))  # 0.40 .. 0.85
# A cues-only CRISIS the model reads below this is lowered to CONCERN (``Model.veto``). 0.1 until
# session 25, chosen on the held-back halves of F and G (three false alarms dropped for one
# crisis); on the dev rows ``dev_rows`` reads, session 25's model at 0.3 dropped 8 of Spanish's 26
# cue-raised false alarms for 3 of its 762 crises (English: none of 18, for 2 of 721), which let
# Spanish's cut fall from 0.83 to where it catches more than it lost. Session 26's model (with
# naive-Bayes scales, whose probabilities run further to the ends) at 0.3 lowered "in the movie
# theater parking lot im going to kill myself" (0.17) to CONCERN; on the dev rows 0.15 kept every
# English crisis 0.3 kept and lost one Spanish crisis fewer, for one English and two Spanish false
# alarms more (0.0: 62 and 79 false alarms, 0.15: 49 and 51, 0.3: 48 and 49, of 1,082 and 1,107).
# One veto for both, 0.15, raised Spanish's dev cut from 0.74 to 0.76, which caught 16 of its
# 1,172 dev crises fewer; so each language has its own (``VETOES``): English 0.15 (0.3 bought one
# false alarm for one crisis there), Spanish 0.3 (30 false alarms for 2 crises, against none).
# ``VETO`` is for any other language.
VETO = 0.15
VETOES = {"en": 0.15, "es": 0.3}
# Naive-Bayes feature scales (``log_count_ratios``, ``--nb``: their smoothing; 0 for none). Session
# 26, on the dev rows, the same rows and passes: English 0.923 of crises at 0.044 false alarms with
# 1.0 (0.922 with 0.5, 0.919 with 2.0) against 0.907 without; Spanish 0.887 (0.878, 0.891)
# against 0.892. The scaled model also keeps fewer weights (the file stays under 1 MB: without,
# 1.05 MB).
NB = 1.0

Row = tuple[list[int], int]


def read_set(name: str) -> list[tuple[str, str, str, str | None]]:
    """(label, language, text, kind or None) of every row of a set in tests/data."""
    assert name not in NEVER and not name.startswith(NEVER_PREFIXES), name
    assert name not in AFTER_R, name
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert lines[0] in ("label\tlang\ttext", "label\tlang\ttext\tkind"), name
    found = []
    for line in lines[1:]:
        if line:
            label, language, text, *kind = line.split("\t")
            found.append((label, language, text, kind[0] if kind else None))
    return found


def load_rows(
    variants: int = 0,
) -> tuple[list[Row], list[str], list[str], list[str], list[tuple[int, Row]]]:
    """Return (feature indices, label) for every training row, each one's kind and language, the
    vocabulary (``vocabulary``) the detector splits run-together words into, and ``variants``
    noisy variants of each row (``noisy``) as (index of the row it came from, row)."""
    read = TRAINING_SETS + HALF_SETS + THIRD_SETS
    assert not set(read) & set(NEVER)
    assert not any(name.startswith(NEVER_PREFIXES) for name in read)
    kept: list[tuple[str, int, str, str]] = []  # text, label, kind, language
    for name in read:
        for label, language, text, kind in read_set(name):
            if name in HALF_SETS and held_back(text):
                continue
            if name in THIRD_SETS and held_back4(text):
                continue
            # A crisis row without a kind column is "unknown": the heads never learn from it.
            found = kind if kind is not None else ("unknown" if label == "1" else "none")
            kept.append((text, int(label), found, language))
    words = vocabulary(text for text, _, _, _ in kept)
    detector = Detector(load_cues(config_dir() / "crisis_cues.toml"), words=Vocabulary(words))

    # What the model reads at run time: the detector's normalisation, small talk removed.
    def featured(text: str) -> list[int]:
        return features(detector.evidence(detector.normalise(text)))

    rows = [(featured(text), label) for text, label, _, _ in kept]
    # Variants only of rows already kept: a held-back row, and so its variants, never enter.
    extra = [
        (i, (featured(variant), label))
        for i, (text, label, _, language) in enumerate(kept)
        for variant in noisy(text, language, variants)
    ]
    kinds = [kind for _, _, kind, _ in kept]
    return rows, kinds, [lang for _, _, _, lang in kept], words, extra


# Noisy spellings of training rows, so the model learns the words, not one spelling of them.
_EXPLETIVES = {
    "en": ("fucking", "fuckin", "freaking", "damn", "literally", "just", "honestly"),
    "es": ("pinche", "puta", "neta", "literal", "ya", "la verdad"),
}
_ABBREVIATE = {
    "en": {
        "you": "u",
        "your": "ur",
        "are": "r",
        "because": "cuz",
        "tonight": "2nite",
        "today": "2day",
        "want to": "wanna",
        "going to": "gonna",
        "please": "pls",
        "people": "ppl",
        "really": "rly",
        "tomorrow": "tmrw",
        "i'm": "im",
        "don't": "dont",
        "can't": "cant",
        "know": "kno",
        "something": "smth",
    },
    "es": {
        "que": "q",
        "porque": "xq",
        "estoy": "toy",
        "por": "x",
        "también": "tb",
        "de": "d",
        "quiero": "kiero",
        "está": "ta",
        "para": "pa",
        "bien": "bn",
        "nada": "nd",
    },
}
_PUNCTUATION = re.compile(r"[^\w\s]")


def noisy(text: str, language: str, count: int) -> list[str]:
    """``count`` variants of a training text, each with one or two kinds of noise: an expletive
    or filler inside the sentence, two words run together, a typo, abbreviations, or all
    lowercase with no punctuation (as speech to text writes). Seeded by the text, so a rerun
    makes the same variants."""
    rng = random.Random(crc32(text.encode("utf-8")) ^ SEED)
    out = []
    for _ in range(count):
        variant = text
        for how in rng.sample(range(len(_NOISE)), rng.choice((1, 2))):
            variant = _NOISE[how](variant, language, rng)
        if variant != text:
            out.append(variant)
    return out


def _expletive(text: str, language: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) < 3:
        return text
    at = rng.randrange(1, len(words))
    return " ".join(
        [*words[:at], rng.choice(_EXPLETIVES.get(language, _EXPLETIVES["en"])), *words[at:]]
    )


def _run_together(text: str, language: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) < 2:
        return text
    at = rng.randrange(1, len(words))
    return " ".join([*words[: at - 1], words[at - 1] + words[at], *words[at + 1 :]])


def _typo(text: str, language: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        word = word[:at] + word[at + 1 :]  # a letter dropped
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]  # two letters swapped
    words[i] = word
    return " ".join(words)


def _abbreviate(text: str, language: str, rng: random.Random) -> str:
    table = _ABBREVIATE.get(language, _ABBREVIATE["en"])
    words = text.split()
    out: list[str] = []
    while words:
        pair = " ".join(words[:2]).lower()
        if len(words) > 1 and pair in table:
            out.append(table[pair])
            words = words[2:]
        else:
            out.append(table.get(words[0].lower(), words[0]))
            words = words[1:]
    return " ".join(out)


def _speech(text: str, language: str, rng: random.Random) -> str:
    return " ".join(_PUNCTUATION.sub("", text.lower()).split())


_NOISE = (_expletive, _run_together, _typo, _abbreviate, _speech)


def vocabulary(texts: Iterable[str]) -> list[str]:
    """Every word of the training text, most frequent first (ties in alphabetical order).

    Every training word is known, so no training text is split: a run-together spelling the
    training text holds ("iwantodie") the model learns as it is, and one it never saw is split
    into the words the model knows.
    """
    counts = Counter(word for text in texts for word in normalise(text).split() if word.isalpha())
    return sorted(counts, key=lambda word: (-counts[word], word))


def held_back(text: str) -> bool:
    """Tell whether a row of blind sets F to Q is in the held-back dev half (never trained
    on)."""
    return crc32(text.encode("utf-8")) % 2 == 1


def held_back4(text: str) -> bool:
    """Tell whether a row of train4 to train8 is in its held-back third (never trained
    on)."""
    return crc32(normalise(text).encode("utf-8")) % 3 == 0


def dev_rows(language: str) -> list[tuple[str, int]]:
    """(text, label) of a language's dev rows for choosing its cut: the held-back halves of F
    to Q, and probe3 (never trained on)."""
    names = [f"crisis_blind_{letter}_{language}.tsv" for letter in "fghijklmnopq"]
    return [
        (text, int(label))
        for name in [*names, f"crisis_probe3_{language}.tsv"]
        for label, _, text, _ in read_set(name)
        if name not in HALF_SETS or held_back(text)
    ]


def dev_cut(
    detector: Detector, rows: list[tuple[str, int]], language: str, fallback: float
) -> float:
    """The lowest cut in ``DEV_CUTS`` whose false alarms on a language's dev ``rows`` stay
    within ``DEV_FALSE_ALARM`` (the detector whole: cues and model); ``fallback`` if none does.
    The detector's cues are compiled once by the caller: only its model's cuts change here."""
    base = detector.model
    assert base is not None
    for cut in DEV_CUTS:
        languages = dict(base.languages)
        languages[language] = (cut, min(languages[language][1], cut))
        detector.model = dataclasses.replace(base, languages=languages)
        crisis = [(detector.assess(text).crisis, label) for text, label in rows]
        alarms = sum(c for c, label in crisis if not label) / sum(1 for _, lb in rows if not lb)
        if alarms <= DEV_FALSE_ALARM:
            recall = sum(c for c, label in crisis if label) / sum(lb for _, lb in rows)
            print(f"{language}: dev cut {cut:.2f}: recall {recall:.3f}, false alarms {alarms:.3f}")  # noqa: T201
            return cut
    return fallback


def log_count_ratios(rows: Sequence[Row], alpha: float) -> dict[int, float]:
    """Each feature's naive-Bayes log-count ratio over ``rows`` (Wang and Manning's NBSVM):
    log of its smoothed share of the crisis rows' features over its share of the others'."""
    counts: tuple[Counter[int], Counter[int]] = (Counter(), Counter())
    for indices, label in rows:
        counts[label].update(set(indices))
    negative, positive = counts
    total_positive = alpha * BUCKETS + sum(positive.values())
    total_negative = alpha * BUCKETS + sum(negative.values())
    return {
        index: math.log(
            (alpha + positive[index])
            / total_positive
            / ((alpha + negative[index]) / total_negative)
        )
        for index in positive.keys() | negative.keys()
    }


def train(
    rows: list[Row],
    seed: int = SEED,
    epochs: int = 4,
    l2: float = 1e-3,
    scales: dict[int, float] | None = None,
) -> tuple[dict[int, float], float]:
    """Fit logistic regression with Adagrad; return (weights, bias).

    With ``scales`` (``log_count_ratios``) each feature's value is its scale, not 1. The weights
    are kept with the scale folded in (a feature's folded weight is its weight times its scale),
    so ``margin`` reads them during training as the model reads them after."""
    rng = random.Random(seed)
    order = list(range(len(rows)))
    weights: dict[int, float] = {}
    squares: dict[int, float] = {}
    bias = 0.0
    bias_square = 1e-8
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            indices, label = rows[i]
            z = margin(indices, weights, bias)
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else 1.0 - 1.0 / (1.0 + math.exp(z))
            error = p - label
            scale = 1.0 / math.sqrt(len(indices)) if indices else 0.0
            for index in indices:
                value = 1.0 if scales is None else scales.get(index, 0.0)
                if value == 0.0:
                    continue  # a feature scaled to nothing has no weight to learn
                w = weights.get(index, 0.0) / value  # the weight before its scale
                grad = error * scale * value + l2 * w
                square = squares.get(index, 1e-8) + grad * grad
                squares[index] = square
                weights[index] = (w - LEARNING_RATE * grad / math.sqrt(square)) * value
            bias_square += error * error
            bias -= LEARNING_RATE * error / math.sqrt(bias_square)
    return weights, bias


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def out_of_fold(
    rows: list[Row],
    epochs: int,
    l2: float,
    extra: Sequence[tuple[int, Row]] = (),
    nb: float | None = None,
) -> list[float]:
    """Return each row's probability from a model trained on the other folds.

    A variant in ``extra`` trains with the fold of the row it came from, never beside it.
    """
    order = list(range(len(rows)))
    random.Random(SEED + 1).shuffle(order)
    probabilities = [0.0] * len(rows)
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        train_rows = [row for i, row in enumerate(rows) if i not in held]
        train_rows += [row for i, row in extra if i not in held]
        scales = log_count_ratios(train_rows, nb) if nb is not None else None
        weights, bias = train(train_rows, epochs=epochs, l2=l2, scales=scales)
        for i in held:
            probabilities[i] = sigmoid(margin(rows[i][0], weights, bias))
    return probabilities


def threshold(negative_probabilities: list[float], max_rate: float) -> float:
    """Return the lowest 2-decimal threshold flagging at most max_rate of the negatives."""
    for hundredths in range(1, 100):
        cut = hundredths / 100
        flagged = sum(p >= cut for p in negative_probabilities)
        if flagged <= max_rate * len(negative_probabilities):
            return cut
    return 1.0


def recall_at_high(rows: list[Row], oof: list[float]) -> tuple[float, float]:
    """Out-of-fold recall of the model alone at its HIGH threshold, and that threshold."""
    negatives = [p for p, (_, label) in zip(oof, rows, strict=True) if label == 0]
    positives = [p for p, (_, label) in zip(oof, rows, strict=True) if label == 1]
    high = threshold(negatives, HIGH_FALSE_ALARM)
    return sum(p >= high for p in positives) / len(positives), high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--epochs", type=int, help="skip the grid: this many passes")
    parser.add_argument("--l2", type=float, help="skip the grid: this regularisation")
    parser.add_argument(
        "--variants", type=int, default=VARIANTS, help="noisy variants per training row"
    )
    parser.add_argument(
        "--nb",
        type=float,
        default=NB,
        help="NBSVM: scale features by log-count ratios with this smoothing (0: none)",
    )
    args = parser.parse_args()
    if args.nb is not None and args.nb <= 0:
        args.nb = None

    rows, kinds, languages, words, extra = load_rows(args.variants)
    labels = [label for _, label in rows]
    scored = []
    grid = ((args.epochs, args.l2),) if args.epochs and args.l2 else GRID
    for epochs, l2 in grid:
        oof = out_of_fold(rows, epochs, l2, extra, args.nb)
        recall, high = recall_at_high(rows, oof)
        print(f"epochs {epochs:>2}, l2 {l2:g}: out-of-fold recall {recall:.3f} at {high:.2f}")  # noqa: T201
        scored.append((recall, -epochs, epochs, l2, oof))
    _, _, epochs, l2, oof = max(scored, key=lambda item: item[:2])
    negatives = [p for p, label in zip(oof, labels, strict=True) if label == 0]
    positives = [p for p, label in zip(oof, labels, strict=True) if label == 1]
    high = threshold(negatives, HIGH_FALSE_ALARM)
    mid = min(high, threshold(negatives, MID_FALSE_ALARM))
    for name, cut in (("high", high), ("mid", mid)):
        recall = sum(p >= cut for p in positives) / len(positives)
        alarms = sum(p >= cut for p in negatives) / len(negatives)
        chose = f"chose epochs {epochs}, l2 {l2:g}"
        print(f"{chose}; {name} {cut:.2f}: recall {recall:.3f}, flags {alarms:.3f}")  # noqa: T201

    # Each language gets its own thresholds, from its own out-of-fold negatives, so a language
    # whose ordinary texts the model reads as risky does not borrow the other's cut.
    by_language = {}
    for language in sorted(set(languages)):
        own = [
            (p, label)
            for p, label, lang in zip(oof, labels, languages, strict=True)
            if lang == language
        ]
        own_negatives = [p for p, label in own if label == 0]
        own_positives = [p for p, label in own if label == 1]
        rate = LANGUAGE_HIGH_FALSE_ALARM.get(language, HIGH_FALSE_ALARM)
        own_high = threshold(own_negatives, rate)
        own_mid = min(own_high, threshold(own_negatives, MID_FALSE_ALARM))
        by_language[language] = {"high": own_high, "mid": own_mid}
        if language in VETOES:
            by_language[language]["veto"] = VETOES[language]
        recall = sum(p >= own_high for p in own_positives) / len(own_positives)
        print(f"{language}: high {own_high:.2f} (recall {recall:.3f}), mid {own_mid:.2f}")  # noqa: T201

    everything = rows + [row for _, row in extra]
    scales = log_count_ratios(everything, args.nb) if args.nb is not None else None
    weights, bias = train(everything, epochs=epochs, l2=l2, scales=scales)
    crisis_rows = [
        (row[0], kind)
        for row, kind in zip(rows, kinds, strict=True)
        if row[1] == 1 and kind != "unknown"
    ] + [(row[0], kinds[i]) for i, row in extra if row[1] == 1 and kinds[i] != "unknown"]
    heads = {}
    for danger in DANGERS:
        head_rows = [(indices, int(kind == danger)) for indices, kind in crisis_rows]
        head_weights, head_bias = train(head_rows, epochs=HEAD_EPOCHS, l2=HEAD_L2)
        strongest = _strongest(head_weights, HEAD_WEIGHTS)
        heads[danger] = {"bias": round(head_bias, 4), "weights": pack(strongest)}
        print(f"{danger} head: {sum(label for _, label in head_rows)} rows of {len(head_rows)}")  # noqa: T201
    packed = pack(weights)
    model = {
        "about": (
            "Crisis detector model: logistic regression over hashed character 3-5-grams and "
            "word 1-2-grams of crisis.normalise output, and three heads for the kind of "
            "danger; see hotline/flows/crisis/model.py. Written by "
            "scripts/train_crisis_model.py; blind sets R and S were never read, and half of "
            "blind sets F to Q (held_back) and a third of train4 to train8 "
            "(held_back4) were kept out as dev measures. Weights packed: index gaps and hundredths "
            "(crisis_model.pack)."
        ),
        "trained_on": list(TRAINING_SETS),
        "trained_on_half": list(HALF_SETS),  # the rows held_back leaves: the other half is dev
        "trained_on_two_thirds": list(THIRD_SETS),  # the rows held_back4 leaves
        "rows": len(rows),
        "variants": len(extra),  # noisy variants of those rows, trained on beside them
        "date": datetime.date.today().isoformat(),
        "seed": SEED,
        "epochs": epochs,
        "l2": l2,
        "nb": args.nb,  # naive-Bayes feature scales' smoothing (``--nb``), None for none
        "buckets": BUCKETS,
        "high": high,
        "mid": mid,
        "veto": VETO,
        "languages": by_language,
        "bias": round(bias, 4),
        "weights": packed,
        "dangers": heads,
        "words": words,
    }
    # A text is judged by the cut of the language it looks like, so one language's cut moves
    # the other's dev figures (a Spanish text read as English): choose them in turn until
    # neither moves (twice, or three times, so far).
    chooser = Detector(load_cues(config_dir() / "crisis_cues.toml"), parse_model(model))
    rows_of = {language: dev_rows(language) for language in by_language}
    for _ in range(4):
        before = {language: cuts["high"] for language, cuts in by_language.items()}
        for language, cuts in by_language.items():
            cuts["high"] = dev_cut(chooser, rows_of[language], language, cuts["high"])
            cuts["mid"] = min(cuts["mid"], cuts["high"])
            chooser.model = parse_model(model)
        if before == {language: cuts["high"] for language, cuts in by_language.items()}:
            break
    text = json.dumps(model, separators=(",", ":")) + "\n"
    args.output.write_text(text, encoding="utf-8")
    kept = len(packed["centi"])
    size = f"{len(rows)} rows, {kept} of {len(weights)} weights, {len(text):,} bytes"
    print(f"{size} -> {args.output}")  # noqa: T201


def _strongest(weights: dict[int, float], count: int) -> dict[int, float]:
    """The count weights of largest magnitude: the small ones barely move a verdict."""
    return dict(sorted(weights.items(), key=lambda item: (-abs(item[1]), item[0]))[:count])


if __name__ == "__main__":
    main()
