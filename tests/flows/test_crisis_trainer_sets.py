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
    for letter in "no":
        for language in ("en", "es"):
            assert f"crisis_blind_{letter}_{language}.tsv" in module.NEVER
    # Retired measures are trained on in half only: the other half stays a dev measure.
    for letter in "fghijklm":
        for language in ("en", "es"):
            assert f"crisis_blind_{letter}_{language}.tsv" in module.HALF_SETS


def test_the_trainer_stops_before_reading_a_refused_set(monkeypatch: pytest.MonkeyPatch) -> None:
    module = trainer()
    monkeypatch.setattr(module, "TRAINING_SETS", (*module.TRAINING_SETS, "crisis_blind_n_en.tsv"))
    with pytest.raises(AssertionError):
        module.load_rows()
