"""Load config/crisis.toml once and refuse a file the crisis reply could not use."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from hotline.flows.crisis.cues import Danger
from hotline.flows.crisis.reply import DEFAULT, Numbers
from hotline.settings import config_dir

# Every name a wording or the voice line may use (see the header of config/crisis.toml).
NAMES = frozenset(
    {
        "emergency", "call_text", "call", "text", "text_keyword", "spanish_option", "poison",
        "violence_line", "violence_text", "violence_keyword",
        *(f"dial_{danger.value}" for danger in Danger),
    }
)  # fmt: skip
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_OVERRIDE = re.compile(r"(?P<name>.+)_(?P<language>[a-z]{2})")


class CrisisResourcesError(ValueError):
    """config/crisis.toml lacks what every crisis reply needs."""


def load_crisis_resources(path: Path) -> Numbers:
    """Read and check a crisis numbers file: a [default], and known names with text values."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CrisisResourcesError(f"{path}: {exc}") from exc
    if not isinstance(data.get(DEFAULT), dict):
        raise CrisisResourcesError(f"{path}: needs a [default] table")
    for country, entry in data.items():
        if not isinstance(entry, dict):
            raise CrisisResourcesError(f"{path}: {country} must be a table")
        for name, value in entry.items():
            _check(path, country, name, value)
    return data


def _check(path: Path, country: str, name: str, value: object) -> None:
    override = _OVERRIDE.fullmatch(name)
    base = override["name"] if override and name not in NAMES else name
    if base not in NAMES:
        raise CrisisResourcesError(f"{path}: [{country}] {name} is not a known name")
    if not isinstance(value, str) or not value.strip() or not value.isascii():
        raise CrisisResourcesError(f"{path}: [{country}] {name} must be plain text")
    if base.startswith("dial_") and not _E164.fullmatch(value):
        raise CrisisResourcesError(f"{path}: [{country}] {name} must be an E.164 number")


@functools.cache
def crisis_resources() -> Numbers:
    """Return the line's crisis numbers, read once per process."""
    return load_crisis_resources(config_dir() / "crisis.toml")
