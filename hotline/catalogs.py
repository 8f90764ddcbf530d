"""Load the message catalogs under config/messages/, once per process."""

from __future__ import annotations

import functools
import tomllib
from typing import Any

from hotline.flows.catalog import Catalog
from hotline.settings import config_dir


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> dict[str, str]:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)
    return out


@functools.cache
def _strings(language: str) -> dict[str, str]:
    """Merge every config/messages/<language>/*.toml; a file's tables name its keys."""
    folder = config_dir() / "messages" / language
    if not folder.is_dir():
        raise FileNotFoundError(folder)
    strings: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), strings)
    return strings


@functools.cache
def catalog(language: str, default: str = "en") -> Catalog:
    """Return the catalog for a language, falling back to the default language's strings."""
    try:
        strings = _strings(language)
    except FileNotFoundError:
        strings = {}
    return Catalog(language, strings, _strings(default) if language != default else {})


def languages() -> tuple[str, ...]:
    """The languages with a catalog under config/messages/."""
    folder = config_dir() / "messages"
    return tuple(sorted(path.name for path in folder.iterdir() if path.is_dir()))
