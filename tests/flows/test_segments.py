from __future__ import annotations

import pytest

from hotline.flows.segments import count_segments, first_ucs2_character, gsm7_alphabet


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("[" * 80, "GSM-7", 1),  # extension characters cost two septets
        ("[" * 81, "GSM-7", 2),
        ("Reply INFO 4821 for details", "GSM-7", 1),
        ("oprima 2 para español", "GSM-7", 1),  # ñ is in GSM-7
        ("más" + "a" * 60, "UCS-2", 1),  # á is not: the whole text turns UCS-2
        ("más" + "a" * 70, "UCS-2", 2),
        ("it’s fine", "UCS-2", 1),  # a curly quote
        ("👍" * 35, "UCS-2", 1),  # an emoji is two UTF-16 units
        ("👍" * 36, "UCS-2", 2),
    ],
)
def test_segments(text: str, encoding: str, segments: int) -> None:
    counted = count_segments(text)
    assert (counted.encoding, counted.segments) == (encoding, segments)


@pytest.mark.parametrize(
    ("text", "forced_by"),
    [
        ("Reply INFO 4821 for details", None),
        ("oprima 2 para español [o 3]", None),
        ("Nos vemos allá", "á"),
        ("it’s fine, really", "’"),
        ("see you 👍 and é", "👍"),
    ],
)
def test_first_ucs2_character_names_what_forced_ucs2(text: str, forced_by: str | None) -> None:
    assert first_ucs2_character(text) == forced_by
    assert (count_segments(text).encoding == "UCS-2") == (forced_by is not None)


def test_the_alphabet_handed_to_the_dashboard_counts_the_same() -> None:
    basic, extended = gsm7_alphabet()
    assert all(count_segments(ch).encoding == "GSM-7" for ch in basic + extended)
    assert len(basic) == 127 and set(extended) == set("^{}\\[~]|€\f")
