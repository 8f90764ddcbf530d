"""Words for the Meeting Guide spec's type codes (config/meeting_types.toml), for FIND topics."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from hotline.settings import config_dir


@dataclass(frozen=True)
class Topic:
    """What FIND's topic asks for: type codes a meeting must have, and words its text must hold."""

    codes: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.codes or self.words)

    def matches(self, types: frozenset[str], text: str) -> bool:
        """True when the meeting has every type asked for and its text every other word."""
        return self.codes <= types and all(word in text for word in self.words)


def topic_of(text: str | None) -> Topic:
    """Split a topic into type codes ("women" -> W, "espanol" -> S) and plain words."""
    if not text:
        return Topic()
    vocabulary = _vocabulary()
    words = text.lower().split()
    codes = frozenset(vocabulary[word] for word in words if word in vocabulary)
    return Topic(codes, tuple(word for word in words if word not in vocabulary))


@functools.cache
def _vocabulary() -> dict[str, str]:
    with (config_dir() / "meeting_types.toml").open("rb") as fh:
        table = tomllib.load(fh)["types"]
    return {word: code for code, words in table.items() for word in words}
