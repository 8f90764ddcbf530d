"""The voice menu through signed webhooks: greeting, main menu, joining, crisis."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select

from hotline.db import session_scope
from hotline.models import Call, Room, SupportCase
from tests.clock import travel
from tests.twilio import TwilioPoster
from tests.web.test_voice_caller import MEMBER, MONDAY_EVENING, Caller, make_meeting


@pytest.fixture()
def monday_evening() -> Iterator[None]:
    with travel(MONDAY_EVENING, tick=False):
        yield


def to_main_menu(twilio: TwilioPoster) -> Caller:
    caller = Caller(twilio)
    caller.start()
    caller.press("1")
    return caller


def test_greeting_offers_each_language_in_its_own_voice(twilio: TwilioPoster) -> None:
    caller = Caller(twilio)
    root = caller.start()
    gather = caller.gather()
    assert gather.get("input") == "dtmf speech"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("speechTimeout") == "auto"
    says = [(s.get("language"), s.get("voice"), s.text) for s in root.iter("Say")]
    assert ("en-US", "Polly.Joanna", "For English, press 1.") in says
    assert ("es-US", "Polly.Lupe", "Para español, oprima 2.") in says


def test_every_action_url_carries_opaque_state_only(twilio: TwilioPoster) -> None:
    caller = Caller(twilio)
    caller.start()
    caller.press("2")
    query = dict(parse_qsl(urlsplit(caller.gather().get("action", "")).query))
    assert set(query) <= {"m", "a", "l", "mt", "s", "r", "p"}
    assert "5551230000" not in caller.gather().get("action", "")


def test_choosing_spanish_speaks_spanish_and_is_remembered(twilio: TwilioPoster) -> None:
    caller = Caller(twilio)
    caller.start()
    caller.press("2")
    assert "Para unirse a una reunión" in caller.says()
    assert caller.gather().get("language") == "es-US"
    again = Caller(twilio)
    again.start()
    again.press()  # no input, twice: the saved language is used
    again.press()
    assert "Para unirse a una reunión" in again.says()


def test_spoken_language_is_understood(twilio: TwilioPoster) -> None:
    caller = Caller(twilio)
    caller.start()
    caller.press(speech="Español.")
    assert "oprima 1" in caller.says()


def test_main_menu_lists_the_choices_and_star_repeats(twilio: TwilioPoster) -> None:
    caller = to_main_menu(twilio)
    first = caller.says()
    assert "press 1" in first and "press 9" in first
    hints = caller.gather().get("hints", "")
    for word in ("join", "find", "reminders", "help"):
        assert word in hints
    caller.press("*")
    assert caller.says() == first


def test_no_input_repeats_once_then_says_goodbye_with_the_crisis_line(
    twilio: TwilioPoster,
) -> None:
    caller = to_main_menu(twilio)
    caller.press()
    assert "did not hear anything" in caller.says()
    assert caller.root.find("Gather") is not None
    caller.press()
    assert "9 8 8" in caller.says()
    assert caller.root.find("Hangup") is not None


def test_a_wrong_key_says_so_and_asks_again(twilio: TwilioPoster) -> None:
    caller = to_main_menu(twilio)
    caller.press("7")
    assert "not one of the choices" in caller.says()
    caller.press("1")
    assert "meeting number" in caller.says()


def test_a_retried_first_webhook_gets_the_same_greeting_and_one_call_row(
    twilio: TwilioPoster,
) -> None:
    caller = Caller(twilio)
    first = twilio.post("/twilio/voice", caller.fields())
    second = twilio.post("/twilio/voice", caller.fields())
    assert first.text == second.text
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 1


def test_a_call_without_caller_gets_400(twilio: TwilioPoster) -> None:
    assert twilio.post("/twilio/voice", {"CallSid": "CA1"}).status_code == 400


def test_unsigned_steps_are_forbidden(twilio: TwilioPoster) -> None:
    caller = Caller(twilio)
    response = twilio.post("/twilio/voice/step?m=main", caller.fields(Digits="1"), signed=False)
    assert response.status_code == 403


# Joining a meeting.


def join(twilio: TwilioPoster, code: str = "4821", number: str = MEMBER) -> Caller:
    caller = Caller(twilio, number)
    caller.start()
    caller.press("1")
    caller.press("1")
    caller.press(f"{code}#")
    return caller


def test_joining_an_open_meeting_dials_its_room_with_the_group_settings(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_meeting(mute_on_entry=True, beep=False)
    caller = join(twilio)
    assert "Joining Evening Circle" in caller.says()
    conference = caller.conference()
    assert conference.get("muted") == "true"
    assert conference.get("beep") == "false"
    assert conference.get("record") == "do-not-record"
    assert conference.get("maxParticipants") == "40"
    assert conference.get("startConferenceOnEnter") == "true"  # no host PIN: members start it
    assert conference.get("statusCallbackEvent") == "start end join leave"
    assert conference.get("statusCallback") == (
        "https://hotline.example.org/twilio/status/conference"
    )


def test_room_names_are_opaque_and_shared_by_one_occurrence(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_meeting(group_name="Bay Peer Support")
    first = join(twilio).conference().text or ""
    second = join(twilio, number="+14155550123").conference().text or ""
    assert first == second
    assert first.startswith("room-")
    assert "4821" not in first and "Bay" not in first and "Evening" not in first
    assert not any(part in first for part in ("5551230000", "4155550123"))
    with session_scope() as session:
        rooms = session.scalars(select(Room)).all()
    assert [room.name for room in rooms] == [first]


def test_beep_and_unmuted_entry_follow_the_group(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_meeting(mute_on_entry=False, beep=True)
    conference = join(twilio).conference()
    assert conference.get("muted") == "false"
    assert conference.get("beep") == "true"


def test_members_wait_for_the_host_who_starts_the_room(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_meeting(member_pin="2468", host_pin="1357")
    member = join(twilio)
    assert "PIN" in member.says()
    member.press("2468#")
    conference = member.conference()
    assert conference.get("startConferenceOnEnter") == "false"
    assert "holdmusic" in conference.get("waitUrl", "")
    host = join(twilio)
    host.press("1357#")
    conference = host.conference()
    assert conference.get("startConferenceOnEnter") == "true"
    assert conference.get("muted") == "false"
    assert "host" in host.says()


def test_a_wrong_pin_is_asked_three_times_then_back_to_the_menu(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_meeting(member_pin="2468")
    caller = join(twilio)
    caller.press("1111#")
    assert "PIN is not right" in caller.says()
    caller.press("2222#")
    assert "PIN is not right" in caller.says()
    caller.press("3333#")
    assert "did not work three times" in caller.says()
    assert "To join a meeting now" in caller.says()
    assert caller.root.find("Dial") is None


def test_the_third_pin_try_still_joins(twilio: TwilioPoster, monday_evening: None) -> None:
    make_meeting(member_pin="2468")
    caller = join(twilio)
    caller.press("1111#")
    caller.press()
    caller.press("2468#")
    assert caller.conference().text


def test_an_unknown_code_says_so_and_asks_again(twilio: TwilioPoster) -> None:
    caller = join(twilio, code="9999")
    assert "could not find meeting 9, 9, 9, 9" in caller.says()
    assert caller.gather().get("finishOnKey") == "#"


def test_a_spoken_code_joins(twilio: TwilioPoster, monday_evening: None) -> None:
    make_meeting()
    caller = Caller(twilio)
    caller.start()
    caller.press("1")
    caller.press(speech="join a meeting")
    caller.press(speech="four eight two one")
    assert caller.conference().text


def test_a_closed_meeting_says_when_it_starts_and_offers_a_reminder_call(
    twilio: TwilioPoster,
) -> None:
    make_meeting(weekday=2)  # Wednesdays
    with travel(MONDAY_EVENING, tick=False):
        caller = join(twilio)
        assert "not open yet" in caller.says()
        assert "Wednesday at 7 PM" in caller.says()
        assert caller.root.find("Dial") is None
        caller.press("1")
    assert "reminder call before Evening Circle" in caller.says()
    from hotline.models import Subscription

    with session_scope() as session:
        (subscription,) = session.scalars(select(Subscription)).all()
    assert subscription.channel == "voice"


def test_the_room_opens_fifteen_minutes_early_not_sooner(twilio: TwilioPoster) -> None:
    import datetime as dt

    make_meeting()
    start = MONDAY_EVENING - dt.timedelta(minutes=5)  # 19:00 local
    with travel(start - dt.timedelta(minutes=16), tick=False):
        assert "not open yet" in join(twilio).says()
    with travel(start - dt.timedelta(minutes=14), tick=False):
        assert join(twilio).conference().text


def test_an_external_bridge_is_dialled_with_its_digits(twilio: TwilioPoster) -> None:
    make_meeting(
        fmt="external_bridge", conference_phone="+16465588656", conference_digits=",,8675309#"
    )
    caller = join(twilio)
    number = caller.dial().find("Number")
    assert number is not None
    assert number.text == "+16465588656"
    assert number.get("sendDigits") == "wwww8675309#"


def test_an_in_person_meeting_is_not_dialled(twilio: TwilioPoster) -> None:
    make_meeting(fmt="in_person")
    caller = join(twilio)
    assert "does not meet by phone" in caller.says()
    assert caller.root.find("Gather") is not None


def test_a_direct_number_skips_the_menu(twilio: TwilioPoster, monday_evening: None) -> None:
    make_meeting(member_pin="2468", direct_number="+15005550007")
    caller = Caller(twilio, to="+15005550007")
    caller.start()
    assert "PIN" in caller.says()
    caller.press("2468#")
    assert caller.conference().text


# Crisis help.


def crisis_number(caller: Caller) -> str:
    dial = caller.dial()
    return (dial.text or "").strip()


@pytest.mark.parametrize(
    "path",
    [
        [],
        ["1"],
        ["1", "1"],
        ["1", "2"],  # the warm line, outside its hours
        ["1", "3"],
        ["1", "4"],
        ["1", "1", "4821#"],
        ["1", "4", "4821#"],
    ],
)
def test_nine_reaches_the_crisis_line_at_every_menu(
    twilio: TwilioPoster, monday_evening: None, path: list[str]
) -> None:
    make_meeting(member_pin="2468")
    caller = Caller(twilio)
    caller.start()
    for digits in path:
        caller.press(digits)
        assert caller.root.find("Gather") is not None, caller.says()
    caller.press("9")
    assert crisis_number(caller) == "+18002738255"
    assert caller.dial().get("timeout") == "30"
    assert "/twilio/voice/crisis-fallback" in caller.dial().get("action", "")


def test_saying_help_or_ayuda_dials_the_crisis_line_in_the_callers_language(
    twilio: TwilioPoster,
) -> None:
    caller = Caller(twilio)
    caller.start()
    caller.press("2")
    caller.press(speech="ayuda")
    assert crisis_number(caller) == "+18886289454"
    assert "línea de crisis" in caller.says()
    english = to_main_menu(twilio)
    english.press(speech="I need help")
    assert crisis_number(english) == "+18002738255"


def test_a_crisis_call_opens_a_support_case(twilio: TwilioPoster) -> None:
    caller = to_main_menu(twilio)
    caller.press("9")
    with session_scope() as session:
        (case,) = session.scalars(select(SupportCase)).all()
    assert (case.kind, case.source) == ("crisis", "voice")


def test_crisis_speech_at_a_number_prompt_dials_the_crisis_line(twilio: TwilioPoster) -> None:
    caller = to_main_menu(twilio)
    caller.press("1")
    caller.press(speech="I want to end my life")
    assert crisis_number(caller) == "+18002738255"
