"""Digits as people mean them: every script's decimal digits read as ASCII 0-9, nothing else.

`str.isdigit()` is true for "²" and "٩", and `int()` or a native library then fails on them;
every number the line reads goes through here first.
"""

from __future__ import annotations

import re
import unicodedata


def ascii_digits(text: str) -> str:
    """Return text with every Unicode decimal digit ("٩", "９", "۴") written as ASCII."""
    if text.isascii():
        return text
    return "".join(_ascii(ch) for ch in text)


def _ascii(ch: str) -> str:
    value = unicodedata.decimal(ch, None)
    return ch if value is None else str(value)


def is_number(text: str) -> bool:
    """Whether text is one or more ASCII digits and nothing else."""
    return text.isascii() and text.isdigit()


def as_int(text: str | None, *, max_digits: int = 12) -> int | None:
    """Return text as an int when it is 1 to max_digits ASCII digits, else None."""
    if text is None or not is_number(text) or len(text) > max_digits:
        return None
    return int(text)


def has_stray_numerals(text: str) -> bool:
    """Whether text holds number signs that are no digit ("²", "½", "Ⅻ"): read, they mislead."""
    return any(
        unicodedata.numeric(ch, None) is not None and unicodedata.decimal(ch, None) is None
        for ch in text
    )


def keyed_digits(dial_digits: str) -> str:
    """Return a dial string's digits as a person keys them: pauses ("," and "w") left out.

    Feeds write one-tap digits for phones that dial them ("+1 669 900 6833,,1234567890#");
    told to a person who keys them by hand, the commas only mislead ("enter ,,1234567890#").
    """
    return " ".join(part for part in re.split(r"[,;wW\s]+", dial_digits) if part)
