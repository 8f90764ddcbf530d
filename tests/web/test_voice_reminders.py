"""Reminders by phone, the reminder call the worker places, and `CALL 4821` by text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hotline.contacts import get_or_create_contact
from hotline.db import session_scope
from hotline.models import Subscription
from hotline.phones import vault_for
from hotline.settings import Settings
from hotline.subscriptions import end_subscription, subscribe
from tests.clock import travel
from tests.twilio import TwilioPoster
from tests.web.test_voice_caller import MEMBER, MOBILE, MONDAY_EVENING, Caller, make_meeting

HOUR_BEFORE = MONDAY_EVENING - dt.timedelta(minutes=65)  # 18:00 local, the meeting at 19:00


def remind(twilio: TwilioPoster, number: str) -> Caller:
    caller = Caller(twilio, number)
    caller.start()
    caller.press("1")
    caller.press("4")
    caller.press("4821#")
    return caller


def subscriptions() -> list[tuple[int, str, bool]]:
    with session_scope() as session:
        rows = session.scalars(select(Subscription)).all()
        return [(row.meeting_id, row.channel, row.ended_at is None) for row in rows]


def test_reminder_texts_for_a_mobile(twilio: TwilioPoster) -> None:
    meeting_id = make_meeting()
    caller = remind(twilio, MOBILE)
    assert "reminder texts about Evening Circle" in caller.says()
    caller.press("1")
    assert "reminder texts before Evening Circle" in caller.says()
    assert "To join a meeting now" in caller.says()  # back to the main menu
    assert subscriptions() == [(meeting_id, "sms", True)]


def test_reminder_calls_for_a_landline(twilio: TwilioPoster) -> None:
    meeting_id = make_meeting()
    caller = remind(twilio, MEMBER)
    caller.press("1")
    assert "cannot get texts" in caller.says()
    caller.press("2")
    assert "reminder call before Evening Circle" in caller.says()
    assert subscriptions() == [(meeting_id, "voice", True)]


def test_reminder_calls_switch_a_texted_subscription_to_calls(
    twilio: TwilioPoster, settings: Settings
) -> None:
    meeting_id = make_meeting()
    with session_scope() as session:
        contact = get_or_create_contact(
            session=session, vault=vault_for(settings.secret_key), e164=MEMBER
        )
        subscribe(session=session, contact_id=contact.id, meeting_id=meeting_id)
    assert subscriptions() == [(meeting_id, "sms", True)]
    caller = remind(twilio, MEMBER)
    caller.press("1")
    caller.press("2")
    assert "reminder call before Evening Circle" in caller.says()
    assert subscriptions() == [(meeting_id, "voice", True)]


def test_subscribe_creates_switches_and_restarts_one_row(settings: Settings) -> None:
    meeting_id = make_meeting()
    with session_scope() as session:
        contact = get_or_create_contact(
            session=session, vault=vault_for(settings.secret_key), e164=MEMBER
        )
        first = subscribe(session=session, contact_id=contact.id, meeting_id=meeting_id)
        assert first.channel == "sms"
        switched = subscribe(
            session=session, contact_id=contact.id, meeting_id=meeting_id, channel="voice"
        )
        assert (switched.id, switched.channel, switched.ended_at) == (first.id, "voice", None)
        end_subscription(session=session, contact_id=contact.id, meeting_id=meeting_id)
        assert switched.ended_at is not None
        restarted = subscribe(session=session, contact_id=contact.id, meeting_id=meeting_id)
        assert (restarted.id, restarted.channel, restarted.ended_at) == (first.id, "sms", None)
    assert subscriptions() == [(meeting_id, "sms", True)]


def test_reminders_for_an_unknown_code_ask_again(twilio: TwilioPoster) -> None:
    caller = Caller(twilio)
    caller.start()
    caller.press("1")
    caller.press("4")
    caller.press("1234#")
    assert "could not find meeting 1, 2, 3, 4" in caller.says()


def test_reminders_for_an_inactive_meeting_ask_again(twilio: TwilioPoster) -> None:
    make_meeting(active=False)
    caller = remind(twilio, MEMBER)
    assert "could not find meeting 4, 8, 2, 1" in caller.says()
    assert subscriptions() == []


def subscribe_by_voice(settings: Settings, meeting_id: int, number: str = MEMBER) -> int:
    with session_scope() as session:
        contact = get_or_create_contact(
            session=session, vault=vault_for(settings.secret_key), e164=number
        )
        row = Subscription(contact_id=contact.id, meeting_id=meeting_id, channel="voice")
        session.add(row)
        session.flush()
        return row.id


def reminder_call(twilio: TwilioPoster, subscription_id: int, number: str = MEMBER) -> Caller:
    """The worker's outbound call: from the line to the member, answered."""
    caller = Caller(twilio, number, outbound=True)
    caller.post(f"/twilio/voice/outbound/reminder/{subscription_id}")
    return caller


def test_a_reminder_call_says_the_meeting_starts_in_one_hour(
    twilio: TwilioPoster, settings: Settings
) -> None:
    subscription_id = subscribe_by_voice(settings, make_meeting())
    with travel(HOUR_BEFORE + dt.timedelta(minutes=5), tick=False):
        caller = reminder_call(twilio, subscription_id)
    assert "Your meeting Evening Circle starts in one hour." in caller.says()
    assert "To join now, press 1. To stop these calls, press 2." in caller.says()


def test_one_on_a_reminder_call_joins_the_room(twilio: TwilioPoster, settings: Settings) -> None:
    subscription_id = subscribe_by_voice(settings, make_meeting())
    with travel(MONDAY_EVENING - dt.timedelta(minutes=10), tick=False):
        caller = reminder_call(twilio, subscription_id)
        assert "starts in 5 minutes" in caller.says()
        caller.press("1")
    assert caller.conference().text


def test_two_on_a_reminder_call_stops_these_calls(twilio: TwilioPoster, settings: Settings) -> None:
    meeting_id = make_meeting()
    subscription_id = subscribe_by_voice(settings, meeting_id)
    with travel(HOUR_BEFORE, tick=False):
        caller = reminder_call(twilio, subscription_id)
        caller.press("2")
    assert "no more reminder calls about Evening Circle" in caller.says()
    assert caller.root.find("Hangup") is not None
    assert subscriptions() == [(meeting_id, "voice", False)]


def test_a_reminder_call_for_an_ended_subscription_only_says_goodbye(
    twilio: TwilioPoster, settings: Settings
) -> None:
    subscription_id = subscribe_by_voice(settings, make_meeting())
    with session_scope() as session:
        row = session.get(Subscription, subscription_id)
        assert row is not None
        row.ended_at = MONDAY_EVENING
    caller = reminder_call(twilio, subscription_id)
    assert caller.root.find("Gather") is None
    assert caller.root.find("Hangup") is not None


def test_nine_on_a_reminder_call_reaches_the_crisis_line(
    twilio: TwilioPoster, settings: Settings
) -> None:
    subscription_id = subscribe_by_voice(settings, make_meeting())
    caller = reminder_call(twilio, subscription_id)
    caller.press("9")
    assert (caller.dial().text or "").strip() == settings.crisis_number


def test_call_4821_by_text_puts_the_answered_call_in_the_meeting(twilio: TwilioPoster) -> None:
    meeting_id = make_meeting(member_pin="2468")
    with travel(MONDAY_EVENING, tick=False):
        caller = Caller(twilio, MOBILE, outbound=True)
        caller.post(f"/twilio/voice/outbound/join/{meeting_id}")
        assert "PIN" in caller.says()
        caller.press("2468#")
    assert caller.conference().get("muted") == "true"


def test_call_for_an_unknown_meeting_falls_back_to_the_menu(twilio: TwilioPoster) -> None:
    caller = Caller(twilio, MOBILE, outbound=True)
    caller.post("/twilio/voice/outbound/join/999")
    assert "To join a meeting now" in caller.says()
