"""Train the crisis detector's small learned model and write config/crisis_model.json.

Run from the repository root: `.venv/bin/python scripts/train_crisis_model.py`. Standard
library only. Deterministic: a fixed seed shuffles the rows, so a rerun writes the same weights
(only the date in the header changes).

The model is L2-regularised logistic regression, trained with Adagrad, over the features of
``hotline.flows.crisis_model.features`` on ``crisis.normalise`` output. It trains on the
labelled, held-out and blind A sets. Blind set B is never read here.

The two thresholds are chosen by 5-fold cross-validation on those same sets: HIGH is the lowest
probability at which the model alone, scoring rows it was not trained on, raises false alarms
on at most 3% of the negatives; MID the lowest at which it flags at most 10% of them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.flows.crisis import normalise  # noqa: E402
from hotline.flows.crisis_model import BUCKETS, features, margin  # noqa: E402

DATA = ROOT / "tests" / "data"
TRAINING_SETS = ("crisis_labelled.tsv", "crisis_heldout.tsv", "crisis_blind_a.tsv")
OUTPUT = ROOT / "config" / "crisis_model.json"
SEED = 20261122
EPOCHS = 4
LEARNING_RATE = 0.5
L2 = 1e-3
FOLDS = 5
HIGH_FALSE_ALARM = 0.03
MID_FALSE_ALARM = 0.10

Row = tuple[list[int], int]


def load_rows() -> list[Row]:
    """Return (feature indices, label) for every row of the training sets."""
    rows: list[Row] = []
    for name in TRAINING_SETS:
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        assert lines[0] == "label\tlang\ttext", name
        for line in lines[1:]:
            if line:
                label, _, text = line.split("\t", 2)
                rows.append((features(normalise(text)), int(label)))
    return rows


def train(rows: list[Row], seed: int = SEED) -> tuple[dict[int, float], float]:
    """Fit logistic regression with Adagrad; return (weights, bias)."""
    rng = random.Random(seed)
    order = list(range(len(rows)))
    weights: dict[int, float] = {}
    squares: dict[int, float] = {}
    bias = 0.0
    bias_square = 1e-8
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            indices, label = rows[i]
            z = margin(indices, weights, bias)
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else 1.0 - 1.0 / (1.0 + math.exp(z))
            error = p - label
            scale = 1.0 / math.sqrt(len(indices)) if indices else 0.0
            for index in indices:
                w = weights.get(index, 0.0)
                grad = error * scale + L2 * w
                square = squares.get(index, 1e-8) + grad * grad
                squares[index] = square
                weights[index] = w - LEARNING_RATE * grad / math.sqrt(square)
            bias_square += error * error
            bias -= LEARNING_RATE * error / math.sqrt(bias_square)
    return weights, bias


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def out_of_fold(rows: list[Row]) -> list[float]:
    """Return each row's probability from a model trained on the other folds."""
    order = list(range(len(rows)))
    random.Random(SEED + 1).shuffle(order)
    probabilities = [0.0] * len(rows)
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        weights, bias = train([row for i, row in enumerate(rows) if i not in held])
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    rows = load_rows()
    labels = [label for _, label in rows]
    oof = out_of_fold(rows)
    negatives = [p for p, label in zip(oof, labels, strict=True) if label == 0]
    positives = [p for p, label in zip(oof, labels, strict=True) if label == 1]
    high = threshold(negatives, HIGH_FALSE_ALARM)
    mid = min(high, threshold(negatives, MID_FALSE_ALARM))
    for name, cut in (("high", high), ("mid", mid)):
        recall = sum(p >= cut for p in positives) / len(positives)
        alarms = sum(p >= cut for p in negatives) / len(negatives)
        print(f"{name} {cut:.2f}: out-of-fold recall {recall:.3f}, flags {alarms:.3f}")  # noqa: T201

    weights, bias = train(rows)
    kept = {index: round(w, 4) for index, w in sorted(weights.items()) if round(w, 4) != 0.0}
    model = {
        "about": (
            "Crisis detector model: logistic regression over hashed character 3-5-grams and "
            "word 1-2-grams of crisis.normalise output; see hotline/flows/crisis_model.py. "
            "Written by scripts/train_crisis_model.py; blind set B was never used."
        ),
        "trained_on": list(TRAINING_SETS),
        "rows": len(rows),
        "date": datetime.date.today().isoformat(),
        "seed": SEED,
        "epochs": EPOCHS,
        "l2": L2,
        "buckets": BUCKETS,
        "high": high,
        "mid": mid,
        "bias": round(bias, 4),
        "weights": {str(index): w for index, w in kept.items()},
    }
    text = json.dumps(model, separators=(",", ":")) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(f"{len(rows)} rows, {len(kept)} weights, {len(text):,} bytes -> {args.output}")  # noqa: T201


if __name__ == "__main__":
    main()
