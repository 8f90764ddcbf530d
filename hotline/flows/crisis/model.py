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


def pack(weights: Mapping[int, float]) -> dict[str, list[int]]:
    """Weights as {"gaps": index gaps, "milli": weights in thousandths}; zeros are left out."""
    gaps: list[int] = []
    milli: list[int] = []
    previous = 0
    for index in sorted(weights):
        value = round(weights[index] * 1000)
        if value:
            gaps.append(index - previous)
            milli.append(value)
            previous = index
    return {"gaps": gaps, "milli": milli}


def unpack(packed: Mapping[str, Sequence[int]]) -> dict[int, float]:
    """The weights ``pack`` stored; ValueError if the lists are malformed."""
    gaps, milli = packed["gaps"], packed["milli"]
    if len(gaps) != len(milli) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in (*gaps, *milli)
    ):
        raise ValueError("malformed packed weights")
    weights: dict[int, float] = {}
    index = 0
    for gap, value in zip(gaps, milli, strict=True):
        index += gap
        if gap < 0 or index >= BUCKETS or (gap == 0 and weights):
            raise ValueError("packed weight index out of order or range")
        weights[index] = value / 1000
    return weights
