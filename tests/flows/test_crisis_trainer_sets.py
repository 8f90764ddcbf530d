"""The trainer reads every spent blind set it is told to and refuses every untouched one."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def trainer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_crisis_model", ROOT / "scripts" / "train_crisis_model.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_blind_set_is_either_trained_on_or_refused() -> None:
    # A new blind set dropped into tests/data must be named in NEVER before anyone trains, and
    # a spent one is read on purpose: none is read by accident or silently left out.
    module = trainer()
    read = set(module.TRAINING_SETS) | set(module.HALF_SETS) | set(module.THIRD_SETS)
    for path in sorted(DATA.glob("crisis_blind_*.tsv")):
        refused = path.name in module.NEVER or path.name.startswith(module.NEVER_PREFIXES)
        assert (path.name in read) != refused, path.name
    for letter in "rs":
        for language in ("en", "es"):
            assert f"crisis_blind_{letter}_{language}.tsv" in module.NEVER
    # Retired measures are trained on in half only: the other half stays a dev measure.
    for letter in "fghijklmnopq":
        for language in ("en", "es"):
            assert f"crisis_blind_{letter}_{language}.tsv" in module.HALF_SETS
    # train8's blocks in the voices R chose too wait until R is retired, and cannot be read.
    assert "crisis_blind_r_en.tsv" in module.NEVER
    assert not set(module.AFTER_R) & read
    for name in module.AFTER_R:
        assert (DATA / name).is_file()
        with pytest.raises(AssertionError):
            module.read_set(name)
    # train9 waits for the next model: it is there, and nothing reads it yet.
    assert not set(module.NEXT_SETS) & read
    assert all((DATA / name).is_file() for name in module.NEXT_SETS)


def test_the_trainer_stops_before_reading_a_refused_set(monkeypatch: pytest.MonkeyPatch) -> None:
    module = trainer()
    monkeypatch.setattr(module, "TRAINING_SETS", (*module.TRAINING_SETS, "crisis_blind_r_en.tsv"))
    with pytest.raises(AssertionError):
        module.load_rows()


def test_naive_bayes_scales_favour_the_class_a_feature_is_seen_in() -> None:
    module = trainer()
    rows = [([1, 2], 1), ([1, 3], 1), ([2, 4], 0), ([4, 5], 0)]
    scales = module.log_count_ratios(rows, 1.0)
    assert scales[1] > 0 > scales[4]  # 1 only in crises, 4 only in safe texts
    assert scales[2] == pytest.approx(0.0)  # once in each: no evidence either way
    assert set(scales) == {1, 2, 3, 4, 5}


def test_scaled_weights_are_folded_so_the_model_reads_them_as_plain_weights() -> None:
    # Trained with naive-Bayes scales, the returned weights already hold them: the line's
    # ``margin`` over a text's indices gives the scaled model's log-odds, and it has learnt.
    module = trainer()
    rows = [([1, 2], 1), ([1, 3], 1), ([2, 4], 0), ([4, 5], 0)] * 20
    scales = module.log_count_ratios(rows, 1.0)
    weights, bias = module.train(rows, epochs=8, l2=1e-4, scales=scales)
    plain, plain_bias = module.train(rows, epochs=8, l2=1e-4)
    assert weights != plain
    for indices, label in rows[:4]:
        z = module.margin(indices, weights, bias)
        assert (z > 0) == bool(label)
        assert (module.margin(indices, plain, plain_bias) > 0) == bool(label)
    # Scales of one are plain training, weight for weight.
    ones = dict.fromkeys(scales, 1.0)
    assert module.train(rows, epochs=8, l2=1e-4, scales=ones) == (plain, plain_bias)
    # Unfolded, the safe words' raw weights would read as crisis: their scales are negative, so
    # raw weights that push a safe text down are positive.
    assert scales[4] < 0 and weights[4] < 0
