from __future__ import annotations

import pytest

from hotline.flows.segments import count_segments


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
