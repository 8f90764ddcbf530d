"""Compare the line's pure-Python crisis model with scikit-learn n-gram linear models.

Run from the repository root: `.venv/bin/python bench/crisis_models.py` (scikit-learn is a dev
dependency, for this comparison only). It prints figures only, and asserts nothing.

Every model reads the same text the shipped model reads (``crisis.normalise``, small talk
removed by ``Detector.evidence``) and is trained on the same rows
(``scripts/train_crisis_model.py``'s ``TRAINING_SETS``; blind sets E to G are never training
rows; C and D have been since session 20, so section 2's figures on them are in-sample now).
Candidates:

* ``pure``: the shipped model's family (hashed character 3-5-grams and word 1-2-grams,
  logistic regression by Adagrad, ``scripts/train_crisis_model.py``);
* ``sk-lr``: scikit-learn TF-IDF over character 2-5-grams (within word bounds) and word
  1-2-grams, sublinear tf, logistic regression (C=10, balanced classes);
* ``sk-svm``: the same features, a linear SVM (C=0.5) with sigmoid-calibrated scores.

Measured for each language separately:

1. 5-fold cross-validation on the training rows (the same folds for all): recall of the
   model alone at the threshold that keeps out-of-fold false alarms at 3% (``FIXED_RATE``);
2. the already-seen sets C and D, with the model trained on every training row and its
   threshold set as in 1 (never on C or D): the model alone, and the whole detector (cues,
   then the model where the cues say nothing) — recall and false alarms;
3. p99 CPU time per text of the model's scoring on one core, over the labelled and dev texts;
4. what each needs installed.
"""

from __future__ import annotations

import importlib.util
import math
import random
import site
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from hotline.crisis.detector import load_cues, load_model
from hotline.flows.crisis import model as crisis_model
from hotline.flows.crisis.detect import Detector, Model, normalise
from hotline.settings import config_dir

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEEN = (
    "crisis_blind_c_en.tsv",
    "crisis_blind_c_es.tsv",
    "crisis_blind_d_en.tsv",
    "crisis_blind_d_es.tsv",
)
LATENCY_SETS = ("crisis_labelled.tsv", "crisis_dev_en.tsv", "crisis_dev_es.tsv")
FIXED_RATE = 0.03
FOLDS = 5
SEED = 20261122


def _trainer() -> object:
    spec = importlib.util.spec_from_file_location(
        "train", ROOT / "scripts" / "train_crisis_model.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRAIN = _trainer()
CUES_FILE = config_dir() / "crisis_cues.toml"
MODEL_FILE = config_dir() / "crisis_model.json"
CUES = load_cues(CUES_FILE)
EVIDENCE = Detector(CUES).evidence


@dataclass(frozen=True)
class Row:
    text: str  # what the model reads
    raw: str
    label: int
    language: str


def read(names: Sequence[str]) -> list[Row]:
    rows = []
    for name in names:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()[1:]:
            if line:
                label, language, text, *_ = line.split("\t")
                rows.append(Row(EVIDENCE(normalise(text)), text, int(label), language))
    return rows


Scorer = Callable[[list[str]], list[float]]
Fit = Callable[[list[Row]], Scorer]


def fit_pure(rows: list[Row]) -> Scorer:
    weights, bias = TRAIN.train(  # type: ignore[attr-defined]
        [(crisis_model.features(r.text), r.label) for r in rows],
        epochs=8,
        l2=1e-3,
    )
    return lambda texts: [crisis_model.probability(t, weights, bias) for t in texts]


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"
                ),
            ),
        ]
    )


def fit_sk_lr(rows: list[Row]) -> Scorer:
    pipe = Pipeline(
        [
            ("x", _features()),
            ("lr", LogisticRegression(C=10, class_weight="balanced", max_iter=2000)),
        ]
    )
    pipe.fit([r.text for r in rows], [r.label for r in rows])
    return lambda texts: list(pipe.predict_proba(texts)[:, 1])


def fit_sk_svm(rows: list[Row]) -> Scorer:
    svm = CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced"), cv=3, method="sigmoid")
    pipe = Pipeline([("x", _features()), ("svm", svm)])
    pipe.fit([r.text for r in rows], [r.label for r in rows])
    return lambda texts: list(pipe.predict_proba(texts)[:, 1])


CANDIDATES: dict[str, Fit] = {"pure": fit_pure, "sk-lr": fit_sk_lr, "sk-svm": fit_sk_svm}


def cut_at(negatives: list[float], rate: float) -> float:
    """The lowest threshold (from the scores) flagging at most `rate` of the negatives."""
    ordered = sorted(negatives, reverse=True)
    allowed = int(rate * len(ordered))
    return math.nextafter(ordered[allowed], 2.0) if allowed < len(ordered) else 0.0


def out_of_fold(fit: Fit, rows: list[Row]) -> list[float]:
    order = list(range(len(rows)))
    random.Random(SEED + 1).shuffle(order)
    scores = [0.0] * len(rows)
    for fold in range(FOLDS):
        held = order[fold::FOLDS]
        held_set = set(held)
        scorer = fit([r for i, r in enumerate(rows) if i not in held_set])
        for i, p in zip(held, scorer([rows[i].text for i in held]), strict=True):
            scores[i] = p
    return scores


def recall_and_alarms(rows: list[Row], flags: list[bool]) -> str:
    pos = [f for r, f in zip(rows, flags, strict=True) if r.label == 1]
    neg = [f for r, f in zip(rows, flags, strict=True) if r.label == 0]
    return f"recall {fraction(sum(pos), len(pos))} FA {fraction(sum(neg), len(neg))}"


def fraction(part: int, whole: int) -> str:
    return f"{part}/{whole}={part / whole:.3f}"


class _Plugged(Model):
    """The shipped model's heads and layout, with another scorer's probability."""

    __slots__ = ("_score",)

    def probability(self, normalised_text: str) -> float:
        return float(self._score([normalised_text])[0])  # type: ignore[attr-defined]


def plugged(base: Model, scorer: Scorer, cuts: dict[str, float]) -> Model:
    model = _Plugged(
        base.weights,
        base.bias,
        base.high,
        base.mid,
        base.dangers,
        {
            lang: (cut, min(cut, base.languages.get(lang, (cut, cut))[1]))
            for lang, cut in cuts.items()
        },
    )
    object.__setattr__(model, "_score", scorer)
    return model


def p99_us(scorer: Scorer, texts: list[str]) -> float:
    found = []
    for text in texts:
        best = float("inf")
        for _ in range(3):
            started = time.process_time_ns()
            scorer([text])
            best = min(best, time.process_time_ns() - started)
        found.append(best / 1000)
    found.sort()
    return found[min(len(found) - 1, int(0.99 * len(found)))]


def installed_mb(*packages: str) -> float:
    total = 0
    for base in site.getsitepackages():
        for entry in Path(base).iterdir():
            stem = entry.name.split("-")[0].lower().replace("_", "")
            if stem in packages or stem.rstrip(".libs") in packages:
                total += (
                    sum(f.stat().st_size for f in entry.rglob("*") if f.is_file())
                    if entry.is_dir()
                    else entry.stat().st_size
                )
    return total / 1e6


def main() -> None:
    training = read(TRAIN.TRAINING_SETS)  # type: ignore[attr-defined]
    seen = {name: read([name]) for name in SEEN}
    base = load_model(MODEL_FILE)
    assert base is not None
    latency_texts = [r.text for r in read(LATENCY_SETS)]
    languages = sorted({r.language for r in training})
    print(f"{len(training)} training rows; false-alarm rate fixed at {FIXED_RATE:.0%}")
    for name, fit in CANDIDATES.items():
        started = time.process_time()
        oof = out_of_fold(fit, training)
        cuts = {}
        for lang in languages:
            own = [(p, r.label) for p, r in zip(oof, training, strict=True) if r.language == lang]
            cuts[lang] = cut_at([p for p, label in own if label == 0], FIXED_RATE)
            pos = [p for p, label in own if label == 1]
            caught = sum(p >= cuts[lang] for p in pos)
            at = f"at FA<={FIXED_RATE:.0%} (cut {cuts[lang]:.3f})"
            print(f"{name:7s} CV {lang}: recall {fraction(caught, len(pos))} {at}")
        scorer = fit(training)
        detector = Detector(CUES, plugged(base, scorer, cuts))
        for set_name, rows in seen.items():
            lang = rows[0].language
            probs = scorer([r.text for r in rows])
            alone = recall_and_alarms(rows, [p >= cuts[lang] for p in probs])
            whole = recall_and_alarms(rows, [detector.assess(r.raw).crisis for r in rows])
            print(f"{name:7s} {set_name:22s} model alone {alone} | detector {whole}")
        p99 = p99_us(scorer, latency_texts)
        cpu = time.process_time() - started
        print(f"{name:7s} p99 per text (model scoring, one core) {p99:.0f} us; fit+CV {cpu:.0f} s")
    stack = ("sklearn", "scikitlearn", "scipy", "numpy", "joblib", "threadpoolctl")
    print(
        "install: pure needs the standard library only; scikit-learn with scipy, numpy, "
        f"joblib and threadpoolctl {installed_mb(*stack):.0f} MB"
    )


if __name__ == "__main__":
    main()
