"""Load config/crisis.toml once and refuse a file the crisis reply could not use."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from hotline.flows.crisis_reply import DEFAULT, Resources
from hotline.settings import CONFIG_DIR


class CrisisResourcesError(ValueError):
    """config/crisis.toml lacks what every crisis reply needs."""


def load_crisis_resources(path: Path) -> Resources:
    """Read and check a crisis resources file."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    if not isinstance(data.get(DEFAULT, {}).get("en", {}).get("reply"), str):
        raise CrisisResourcesError(f"{path}: [default.en] needs a reply")
    for country, languages in data.items():
        for language, entry in languages.items():
            if not isinstance(entry.get("reply"), str) or not entry["reply"].strip():
                raise CrisisResourcesError(f"{path}: [{country}.{language}] needs a reply")
    return data


@functools.cache
def crisis_resources() -> Resources:
    """Return the line's crisis resources, read once per process."""
    return load_crisis_resources(CONFIG_DIR / "crisis.toml")
