"""A webhook's urlencoded form is split from its bytes (hotline/web/twilio_auth.py), not by
Starlette's streaming parser: the same fields, byte for byte, and the same 400s."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException

from hotline.web.twilio_auth import MAX_FIELDS, parse_urlencoded
from tests.twilio import TwilioPoster

# The bytes that steer the parsers, beside ordinary ones and UTF-8/latin-1 text.
PIECES = st.sampled_from(
    [
        b"&",
        b"=",
        b"+",
        b"%",
        b"%2",
        b"%26",
        b"%3D",
        b"%C3%B1",
        b"%FF",
        b";",
        b"\x00",
        b" ",
        b"a",
        b"Body",
        b"From",
        b"\xc3\xb1",
        b"\xff",
        b"0",
        b"%E2%82",
        b"&&",
        b"==",
    ]
)
BODIES = st.lists(PIECES, max_size=40).map(b"".join)


def _starlette(body: bytes, chunks: int = 1) -> list[tuple[str, str]]:
    async def stream() -> AsyncGenerator[bytes, None]:
        size = max(1, len(body) // chunks)
        for start in range(0, len(body), size):
            yield body[start : start + size]

    parser = FormParser(Headers(), stream(), max_fields=MAX_FIELDS)
    form = asyncio.run(parser.parse())
    return [(key, value) for key, value in form.multi_items() if isinstance(value, str)]


@settings(max_examples=500, deadline=None)
@given(BODIES, st.integers(min_value=1, max_value=4))
def test_the_fields_are_starlettes_whatever_the_bytes(body: bytes, chunks: int) -> None:
    assert parse_urlencoded(body) == _starlette(body, chunks)


def test_a_twilio_form_reads_as_it_did() -> None:
    body = b"MessageSid=SM1&From=%2B14155550100&Body=FIND+94110+%C3%B1&To=&NumMedia=0&x"
    fields = parse_urlencoded(body)
    assert fields == _starlette(body)
    assert ("Body", "FIND 94110 ñ") in fields and ("To", "") in fields and ("x", "") in fields


def test_too_many_fields_is_the_same_400() -> None:
    body = "&".join(f"f{n}=1" for n in range(MAX_FIELDS + 1)).encode()
    with pytest.raises(MultiPartException) as theirs:
        _starlette(body)
    with pytest.raises(HTTPException) as ours:
        parse_urlencoded(body)
    assert (ours.value.status_code, ours.value.detail) == (400, theirs.value.message)
    assert len(parse_urlencoded(body.rsplit(b"&", 1)[0])) == MAX_FIELDS


def test_a_webhook_with_too_many_fields_is_refused_with_a_400(twilio: TwilioPoster) -> None:
    fields = {f"f{n}": "1" for n in range(MAX_FIELDS + 1)}
    response = twilio.post("/twilio/sms", {"MessageSid": "SM1", "From": "+14155550100", **fields})
    assert response.status_code == 400
