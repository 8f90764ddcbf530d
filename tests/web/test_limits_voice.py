"""The per-number call limit, through signed webhooks on the real app."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from redis import Redis
from sqlalchemy import select

from hotline.db import session_scope
from hotline.models import Call, SupportCase
from hotline.settings import Settings
from hotline.voice import runner as voice
from tests.twilio import TwilioPoster, new_sid

CALLER = "+15551239876"


def _call(twilio: TwilioPoster, call_sid: str | None = None) -> tuple[str, ET.Element]:
    sid = call_sid or new_sid("CA")
    response = twilio.post("/twilio/voice", twilio.call_fields(CALLER, sid))
    assert response.status_code == 200
    return sid, ET.fromstring(response.text)


def _step(twilio: TwilioPoster, root: ET.Element, sid: str, **fields: str) -> ET.Element:
    gather = root.find("Gather")
    assert gather is not None
    action = urlsplit(gather.get("action", ""))
    response = twilio.post(
        f"{action.path}?{action.query}", twilio.call_fields(CALLER, sid, **fields)
    )
    assert response.status_code == 200
    return ET.fromstring(response.text)


def _limited() -> list[str | None]:
    with session_scope() as session:
        return list(session.scalars(select(Call.limited).order_by(Call.id)))


def _said(root: ET.Element) -> str:
    return " ".join("".join(node.itertext()) for node in root.iter("Say"))


def test_a_number_calling_too_often_hears_a_short_answer_that_still_offers_9(
    twilio: TwilioPoster, settings: Settings
) -> None:
    allowed = settings.calls_per_window
    for _ in range(allowed):
        _, root = _call(twilio)
        assert "called Hotline many times" not in _said(root)
    sid, root = _call(twilio)
    said = _said(root)
    assert "called Hotline many times" in said and "press 9" in said
    assert root.find("Hangup") is not None  # a short call: it ends after the offer
    assert _limited() == [None] * allowed + ["throttled"]  # every call recorded
    # Any other key (or none) says goodbye; it does not reach the menu.
    goodbye = _step(twilio, root, sid, Digits="1")
    assert "Goodbye" in _said(goodbye) and goodbye.find("Gather") is None
    # Key 9 is never held back: the crisis line, and a case opened.
    sid, root = _call(twilio)
    crisis = _step(twilio, root, sid, Digits="9")
    assert (crisis.findtext("Dial") or "").strip() == settings.crisis_number
    with session_scope() as session:
        assert len(session.scalars(select(SupportCase.id)).all()) == 1


def test_twilio_retrying_one_call_counts_it_once(twilio: TwilioPoster, settings: Settings) -> None:
    sid, _ = _call(twilio)
    for _ in range(settings.calls_per_window + 3):
        _, root = _call(twilio, sid)
        assert "called Hotline many times" not in _said(root)
    assert _limited() == [None]


def test_the_limit_fails_open_when_redis_is_down(
    twilio: TwilioPoster, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = Redis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(voice, "get_redis", lambda: dead)
    for _ in range(settings.calls_per_window + 2):
        _, root = _call(twilio)
        assert "called Hotline many times" not in _said(root)
        assert root.find("Gather") is not None
