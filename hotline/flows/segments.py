"""SMS segment counting: GSM-7 (160, or 153 per part) versus UCS-2 (70, or 67 per part)."""

from __future__ import annotations

from dataclasses import dataclass

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Characters of the extension table cost two septets each (an escape, then the character).
_GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
_GSM7 = _GSM7_BASIC | _GSM7_EXTENDED


@dataclass(frozen=True, slots=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def is_gsm7(text: str) -> bool:
    return _GSM7.issuperset(text)  # one C-level pass, not a generator a character


def count_segments(text: str) -> SegmentCount:
    """Count the segments a carrier bills for this text."""
    if is_gsm7(text):
        units = len(text) + sum(text.count(ch) for ch in _GSM7_EXTENDED)  # those cost two
        single, part = 160, 153
        encoding = "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
        encoding = "UCS-2"
    if units <= single:
        return SegmentCount(encoding, units, 1 if units else 0)
    return SegmentCount(encoding, units, -(-units // part))


def first_ucs2_character(text: str) -> str | None:
    """Return the first character that forces UCS-2 (an emoji, a curly quote, "á"), if any."""
    return next((ch for ch in text if ch not in _GSM7_BASIC and ch not in _GSM7_EXTENDED), None)


def gsm7_alphabet() -> tuple[str, str]:
    """The GSM-7 basic and extension characters, for a counter outside Python (the dashboard's)."""
    return "".join(sorted(_GSM7_BASIC)), "".join(sorted(_GSM7_EXTENDED))
