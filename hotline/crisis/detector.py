"""The line's crisis detector: its cue file and model read, checked and compiled once.

The flows stay pure: ``hotline.flows.crisis.detect.Detector`` takes its tables and model as
data. This module reads ``config/crisis_cues.toml`` (a broken file raises ``CrisisConfigError``,
one line, and the line refuses to start) and ``config/crisis_model.json`` (missing or malformed:
cues only), on first use or at start through ``check_crisis_config``.
"""

from __future__ import annotations

import functools
import json
import tomllib
from pathlib import Path

from hotline.crisis.resources import CrisisResourcesError, crisis_resources
from hotline.flows.crisis.cues import CueFileError, CueTables, parse_cues
from hotline.flows.crisis.detect import CrisisAssessment, Detector, Model, parse_model
from hotline.settings import config_dir


class CrisisConfigError(CrisisResourcesError):
    """A crisis file (cues, numbers) the line cannot run with."""


def load_cues(path: Path) -> CueTables:
    """Read and check a cue file; CrisisConfigError names the file and the first problem."""
    try:
        with path.open("rb") as fh:
            return parse_cues(tomllib.load(fh))
    except (OSError, tomllib.TOMLDecodeError, CueFileError) as exc:
        raise CrisisConfigError(f"{path}: {exc}") from exc


def load_model(path: Path) -> Model | None:
    """Read a model file; None if it is missing or malformed, so the cues work alone."""
    try:
        return parse_model(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


@functools.cache
def detector() -> Detector:
    """The line's detector, built once per process."""
    folder = config_dir()
    return Detector(
        load_cues(folder / "crisis_cues.toml"), load_model(folder / "crisis_model.json")
    )


def assess(text: str) -> CrisisAssessment:
    """Assess one message with the line's detector."""
    return detector().assess(text)


def check_crisis_config() -> None:
    """Load every crisis file now, so a broken one stops the line at start, not at a crisis."""
    detector()
    crisis_resources()
