"""A small learned crisis scorer: logistic regression over hashed n-grams, pure Python.

It runs alongside the cue tables in ``crisis.assess`` and reads the text ``crisis.normalise``
produces. Features are binary and hashed into ``BUCKETS`` slots with CRC-32 (stable across
runs, unlike ``hash``): character 3- to 5-grams of the text padded with spaces, and word
unigrams and bigrams. The vector is scaled to unit length, so long messages do not score higher
just for holding more n-grams. ``scripts/train_crisis_model.py`` learns the weights with the same
``features`` function.

The model file stores weights packed (``pack``): the sorted indices as gaps from the one before,
and the weights in thousandths, two lists of integers, so every weight fits in the file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from zlib import crc32

BUCKETS = 1 << 18
_MASK = BUCKETS - 1
CHAR_SIZES = (3, 4, 5)
_WORD_SEED = crc32(b"w:")  # word features hash in their own space: crc32(b"w:" + word)


def features(normalised_text: str) -> list[int]:
    """Return the sorted, distinct feature indices of one normalised message."""
    padded = f" {normalised_text} ".encode("ascii", "replace")
    found = {
        crc32(padded[start : start + size]) & _MASK
        for size in CHAR_SIZES
        for start in range(len(padded) - size + 1)
    }
    words = padded.split()
    found.update(crc32(word, _WORD_SEED) & _MASK for word in words)
    found.update(
        crc32(previous + b" " + word, _WORD_SEED) & _MASK
        for previous, word in zip([b"^", *words], words, strict=False)
    )
    return sorted(found)


def margin(indices: list[int], weights: Mapping[int, float], bias: float) -> float:
    """Return the model's log-odds for a message's feature indices."""
    if not indices:
        return bias
    get = weights.get
    total = 0.0
    for index in indices:
        total += get(index, 0.0)
    return bias + total / math.sqrt(len(indices))


def probability(normalised_text: str, weights: Mapping[int, float], bias: float) -> float:
    """Return the model's probability that a normalised message needs the crisis reply."""
    z = margin(features(normalised_text), weights, bias)
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# Weights are stored in hundredths (``centi``) since session 25, thousandths (``milli``) before:
# a weight's median size is about 0.8, and a hundredth moves a text's margin by under 0.01,
# while each weight's stored text is a character shorter (the file stays under 1 MB).
UNITS = {"centi": 100, "milli": 1000}


def pack(weights: Mapping[int, float], unit: str = "centi") -> dict[str, list[int]]:
    """Weights as {"gaps": index gaps, unit: weights in hundredths (or thousandths)}; zeros
    are left out."""
    scale = UNITS[unit]
    gaps: list[int] = []
    values: list[int] = []
    previous = 0
    for index in sorted(weights):
        value = round(weights[index] * scale)
        if value:
            gaps.append(index - previous)
            values.append(value)
            previous = index
    return {"gaps": gaps, unit: values}


def unpack(packed: Mapping[str, Sequence[int]]) -> dict[int, float]:
    """The weights ``pack`` stored; ValueError if the lists are malformed."""
    units = [unit for unit in UNITS if unit in packed]
    if len(units) != 1 or set(packed) != {"gaps", units[0]}:
        raise ValueError("packed weights need gaps and one of centi or milli")
    gaps, stored = packed["gaps"], packed[units[0]]
    scale = UNITS[units[0]]
    if len(gaps) != len(stored) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in (*gaps, *stored)
    ):
        raise ValueError("malformed packed weights")
    weights: dict[int, float] = {}
    index = 0
    for gap, value in zip(gaps, stored, strict=True):
        index += gap
        if gap < 0 or index >= BUCKETS or (gap == 0 and weights):
            raise ValueError("packed weight index out of order or range")
        weights[index] = value / scale
    return weights
