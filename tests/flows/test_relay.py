"""The text relay's words and routing, as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.flows.crisis.caring import caring_times
from hotline.flows.warm import relay
from hotline.flows.warm.relay import Ambiguous, Relay

T0 = dt.datetime(2026, 11, 1, 8, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("TAKE 23", relay.Take(23)),
        ("take #23", relay.Take(23)),
        ("Take23!", relay.Take(23)),
        ("TOMAR 23", relay.Take(23)),
        ("END 23", relay.Close(23)),
        ("bye 23", relay.Close(23)),
        ("BYE", relay.Close(None)),
        ("adiós", relay.Close(None)),
        # A bare END is Twilio's opt-out word: never read as closing.
        ("END", None),
        ("end.", None),
        ("CALL V17", relay.CallVoicemail(17)),
        ("call v 17", relay.CallVoicemail(17)),
        ("AVAILABLE", relay.SetAvailable(on=True)),
        ("disponible", relay.SetAvailable(on=True)),
        ("AWAY", relay.SetAvailable(on=False)),
        ("HELPING", relay.Helping()),
        ("TAKE", None),
        ("CALL 12", None),
        ("i will take it", None),
        ("how are you doing today", None),
    ],
)
def test_staff_words(body: str, word: relay.StaffWord | None) -> None:
    assert relay.staff_word(body) == word


@pytest.mark.parametrize(
    ("body", "active", "route"),
    [
        ("hello there", [23], Relay(23, "hello there")),
        ("23 hello there", [23, 31], Relay(23, "hello there")),
        ("#31: take a breath", [23, 31], Relay(31, "take a breath")),
        ("#31 - ok", [23, 31], Relay(31, "ok")),
        ("hello there", [31, 23], Ambiguous((23, 31))),
        # A number that is not one of theirs is just text.
        ("45 minutes is fine", [23], Relay(23, "45 minutes is fine")),
        ("45 minutes is fine", [23, 31], Ambiguous((23, 31))),
        ("hello", [], None),
    ],
)
def test_a_volunteers_text_finds_its_conversation(
    body: str, active: list[int], route: Relay | Ambiguous | None
) -> None:
    assert relay.route_staff_text(body, active) == route


@pytest.mark.parametrize(
    ("body", "closes"),
    [
        ("BYE", True),
        ("bye!", True),
        ("Adiós", True),
        ("goodbye", True),
        ("END", False),
        ("bye for now, thanks so much", False),
    ],
)
def test_member_closing_words(body: str, closes: bool) -> None:
    assert relay.member_closes(body) is closes


def test_staff_texts_name_the_conversation() -> None:
    assert relay.staff_prefix(23, "I feel a bit better") == "#23: I feel a bit better"


@pytest.mark.parametrize(
    ("agreed", "opted_out", "hours", "times"),
    [
        (True, False, (24, 168), (T0 + dt.timedelta(hours=24), T0 + dt.timedelta(days=7))),
        (True, False, (168, 24, 24), (T0 + dt.timedelta(hours=24), T0 + dt.timedelta(days=7))),
        (True, False, (24,), (T0 + dt.timedelta(hours=24),)),
        # At most two, never without a YES, never after STOP.
        (True, False, (1, 24, 168), (T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=24))),
        (False, False, (24, 168), ()),
        (True, True, (24, 168), ()),
    ],
)
def test_caring_texts(
    agreed: bool, opted_out: bool, hours: tuple[int, ...], times: tuple[dt.datetime, ...]
) -> None:
    assert caring_times(closed_at=T0, hours=hours, agreed=agreed, opted_out=opted_out) == times
