"""The warm line by voice: signed webhooks through the real app, volunteer calls through Prism.

The caller presses 2 and waits in their queue; each wait-URL fetch may ring volunteers (outbox
rows, sent by the real sender to Prism serving Twilio's spec); the first to press 1 is bridged
with <Dial><Queue>, the other legs are ended; nobody in time means voicemail.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy import select

from hotline import clock
from hotline.db import session_scope
from hotline.jobs.sender import send_outbox
from hotline.models import AuditEvent, OutboxMessage, SupportCase, Voicemail, WarmCall
from hotline.settings import Settings
from hotline.warm import calls as warm_calls
from hotline.warm import voicemail
from tests.clock import travel
from tests.jobs.conftest import UseSettings
from tests.twilio import LINE_NUMBER, TwilioPoster
from tests.warm.people import OFF_SHIFT, ON_SHIFT, add_volunteer, calls_to, texts_to
from tests.web.test_voice_caller import Caller, path_of

CALLER = "+14155550171"
ANA = "+14155550191"
BEN = "+14155550192"


@pytest.fixture()
def line(
    prism_url: str, use_settings: UseSettings, twilio: TwilioPoster
) -> Iterator[tuple[Settings, time_machine.Traveller]]:
    """Ana and Ben on their warm-line shift; outbound calls go to Prism."""
    settings = use_settings(transport="twilio", twilio_api_url=prism_url, segments_per_second=100.0)
    with travel(ON_SHIFT, tick=False) as traveller:
        add_volunteer(settings, ANA, name="Ana")
        add_volunteer(settings, BEN, name="Ben", languages="en,es")
        yield settings, traveller


def _queued(twilio: TwilioPoster, number: str = CALLER) -> tuple[Caller, ET.Element]:
    """Call in, choose English, press 2: the caller is in their own queue."""
    caller = Caller(twilio, number)
    caller.start()
    caller.press("1")
    caller.press("2")
    enqueue = caller.root.find("Enqueue")
    assert enqueue is not None, ET.tostring(caller.root).decode()
    return caller, enqueue


def _wait(caller: Caller, enqueue: ET.Element, seconds: int = 0) -> ET.Element:
    return caller.post(
        path_of(enqueue.get("waitUrl", "")), QueueTime=str(seconds), QueuePosition="1"
    )


def _distinct_sid(outbox_id: int, index: int) -> None:
    """Prism answers every create with the spec's one example SID; real calls each get their own."""
    with session_scope() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None and row.twilio_sid is not None and row.twilio_sid.startswith("CA")
        row.twilio_sid = f"CA{index:032x}"


def _leg(twilio: TwilioPoster, number: str, entry_id: int) -> Caller:
    volunteer = Caller(twilio, number, outbound=True)
    volunteer.post(f"/twilio/voice/outbound/warm/{entry_id}")
    return volunteer


def _trail(subject_type: str = "warm_call") -> list[tuple[str, dict[str, object]]]:
    """The warm line's audit trail: (action, detail), oldest first."""
    with session_scope() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type)
            .order_by(AuditEvent.id)
        ).all()
        return [(event.action, dict(event.detail or {})) for event in events]


def _entry() -> WarmCall:
    with session_scope() as session:
        entry = session.scalars(select(WarmCall).order_by(WarmCall.id.desc())).first()
        assert entry is not None
        session.expunge(entry)
        return entry


def test_queue_then_the_first_volunteer_to_press_1_is_bridged_and_the_other_leg_ends(
    twilio: TwilioPoster, line: tuple[Settings, time_machine.Traveller]
) -> None:
    settings, _ = line
    caller, enqueue = _queued(twilio)
    assert "find a peer volunteer" in caller.says()
    entry = _entry()
    assert (enqueue.text or "") == f"warm-{entry.id}"
    assert "5550171" not in ET.tostring(caller.root).decode()

    hold = _wait(caller, enqueue)
    assert "A volunteer will be with you shortly. If you are in danger, press 9." in caller.says()
    gather = hold.find("Gather")
    assert gather is not None and gather.get("numDigits") == "1"
    assert calls_to(settings, ANA) == [f"outbound/warm/{entry.id}"]
    assert calls_to(settings, BEN) == [f"outbound/warm/{entry.id}"]
    _wait(caller, enqueue, 40)  # a second tick rings nobody twice
    assert len(calls_to(settings, ANA)) == 1

    # The line's calls go out through the real sender to Twilio's spec.
    with session_scope() as session:
        ids = session.scalars(select(OutboxMessage.id).where(OutboxMessage.purpose == "warm"))
        call_ids = list(ids)
    for index, outbox_id in enumerate(call_ids):
        send_outbox(outbox_id)
        _distinct_sid(outbox_id, index)
    with session_scope() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(call_ids))).all()
        assert {(row.status, row.error_reason) for row in rows} == {("sent", None)}

    ben = _leg(twilio, BEN, entry.id)
    assert "Hotline caller. Press 1 to take the call." in ben.says()
    assert ben.gather().get("actionOnEmptyResult") == "true"
    # Ben's voicemail picked up: it hears the prompt, presses nothing, and takes nothing.
    ben.press()
    assert ben.root.find("Dial") is None
    assert _entry().taken_by_id is None

    ana = _leg(twilio, ANA, entry.id)
    ana.press("1")
    assert [q.text for q in ana.dial().iter("Queue")] == [f"warm-{entry.id}"]
    assert _entry().status == "bridged"
    late = _leg(twilio, BEN, entry.id)
    assert "Another volunteer took this call" in late.says()
    assert late.root.find("Gather") is None

    # The other legs are ended through Twilio's API (Prism checks the request).
    with session_scope() as session:
        ana_id = session.scalars(select(WarmCall.taken_by_id)).one()
        assert ana_id is not None
    from hotline.models import Coordinator

    with session_scope() as session:
        taker = session.get(Coordinator, ana_id)
        assert taker is not None
        taker_contact = taker.contact_id
    assert warm_calls.end_other_legs(entry.id, taker_contact) == 1

    caller.post(path_of(enqueue.get("action", "")), QueueResult="bridged", QueueTime="35")
    assert "Thank you for calling Hotline" in caller.says()
    with session_scope() as session:
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "warm_call")
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["warm_queued", "warm_answered"]
    metrics = twilio.client.get("/metrics").text
    assert 'hotline_warm_calls_total{outcome="answered"} 1.0' in metrics
    assert "hotline_warm_waited_total 1.0" in metrics
    assert "hotline_warm_wait_median_seconds 0.0" in metrics  # the clock is frozen in this test


def test_a_volunteer_already_on_a_call_is_not_rung(
    twilio: TwilioPoster, line: tuple[Settings, time_machine.Traveller]
) -> None:
    settings, _ = line
    first, enqueue = _queued(twilio)
    _wait(first, enqueue)
    entry = _entry()
    _leg(twilio, ANA, entry.id).press("1")
    second, second_enqueue = _queued(twilio, "+14155550172")
    _wait(second, second_enqueue)
    assert calls_to(settings, ANA) == [f"outbound/warm/{entry.id}"]
    assert calls_to(settings, BEN) == [f"outbound/warm/{entry.id}", f"outbound/warm/{_entry().id}"]


def _voicemail_left(
    twilio: TwilioPoster, line: tuple[Settings, time_machine.Traveller]
) -> tuple[Caller, ET.Element, WarmCall]:
    """Nobody answers within the wait: the caller leaves a voicemail to be transcribed."""
    settings, traveller = line
    caller, enqueue = _queued(twilio)
    _wait(caller, enqueue)
    entry = _entry()
    traveller.shift(dt.timedelta(minutes=settings.warm.wait_minutes))
    left = _wait(caller, enqueue, 240)
    assert left.find("Leave") is not None
    assert _trail()[-1] == ("warm_no_answer", {"waited": 240, "rung": 2})
    caller.post(path_of(enqueue.get("action", "")), QueueResult="leave", QueueTime="240")
    record = caller.root.find("Record")
    assert record is not None
    assert record.get("transcribe") == "true"
    assert record.get("maxLength") == "120"
    assert "leave a short message" in caller.says()

    caller.post(
        path_of(record.get("action", "")),
        RecordingSid="RE" + "7" * 32,
        RecordingUrl="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE7",
        RecordingDuration="14",
    )
    assert "Your message is with our volunteers" in caller.says()
    return caller, record, entry


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        ("he said he will kill me when he gets home, please help", "violence"),
        ("mi esposo me va a matar esta noche", "violence"),
        ("i took all my pills and i cant breathe", "medical"),
        ("ok thanks, bye", None),
        ("hola, gracias, adios", None),
    ],
)
def test_a_voicemail_transcription_is_screened_for_every_kind_of_danger(
    twilio: TwilioPoster,
    line: tuple[Settings, time_machine.Traveller],
    said: str,
    danger: str | None,
) -> None:
    caller, record, _ = _voicemail_left(twilio, line)
    response = twilio.post(
        path_of(record.get("transcribeCallback", "")),
        twilio.call_fields(
            CALLER, caller.sid, RecordingSid="RE" + "7" * 32, TranscriptionText=said
        ),
    )
    assert response.status_code == 204
    with session_scope() as session:
        cases = session.scalars(select(SupportCase)).all()
        assert [case.danger for case in cases] == ([danger] if danger else [])


def test_nobody_within_the_wait_means_voicemail_read_by_the_crisis_detector_and_called_back(
    twilio: TwilioPoster, line: tuple[Settings, time_machine.Traveller]
) -> None:
    settings, _ = line
    caller, record, entry = _voicemail_left(twilio, line)
    with session_scope() as session:
        (message,) = session.scalars(select(Voicemail)).all()
        number = message.id
    assert texts_to(settings, ANA, "alert") == [f"voicemail {number} waiting, reply CALL V{number}"]

    transcription = {
        "RecordingSid": "RE" + "7" * 32,
        "TranscriptionText": "i cant do this anymore i want to die",
        "TranscriptionStatus": "completed",
    }
    response = twilio.post(
        path_of(record.get("transcribeCallback", "")),
        twilio.call_fields(CALLER, caller.sid, **transcription),
    )
    assert response.status_code == 204
    with session_scope() as session:
        case = session.scalars(select(SupportCase)).one()
        assert (case.kind, case.source) == ("crisis", "voice")
        assert session.scalars(select(Voicemail.case_id)).one() == case.id

    from tests.twilio import sms_texts

    (calling,) = sms_texts(twilio.sms(ANA, f"CALL V{number}"))
    assert calling.startswith(f"Calling you now for voicemail {number}")
    (taken,) = sms_texts(twilio.sms(BEN, f"call v{number}"))
    assert taken == f"Voicemail {number} was already called back by another volunteer."
    assert calls_to(settings, ANA)[-1] == f"outbound/voicemail/{number}"
    leg = Caller(twilio, ANA, outbound=True)
    leg.post(f"/twilio/voice/outbound/voicemail/{number}")
    assert leg.dial().get("callerId") == LINE_NUMBER
    assert [n.text for n in leg.dial().iter("Number")] == [CALLER]
    stranger = Caller(twilio, BEN, outbound=True)
    stranger.post(f"/twilio/voice/outbound/voicemail/{number}")
    assert stranger.root.find("Dial") is None

    # Deleted from Twilio once past retention (the request goes to Prism), never before.
    assert voicemail.delete_expired(clock.now(), settings) == 0
    later = clock.now() + dt.timedelta(days=settings.warm.recording_days, minutes=1)
    assert voicemail.delete_expired(later, settings) == 1
    assert voicemail.delete_expired(later, settings) == 0
    assert entry.id


def test_nine_while_holding_leaves_the_queue_for_the_crisis_line(
    twilio: TwilioPoster, line: tuple[Settings, time_machine.Traveller]
) -> None:
    caller, enqueue = _queued(twilio)
    _wait(caller, enqueue)
    caller.press("9")
    assert caller.root.find("Leave") is not None
    assert _trail()[-1] == ("warm_crisis_key", {"waited": 0})
    caller.post(path_of(enqueue.get("action", "")), QueueResult="leave", QueueTime="20")
    assert (caller.dial().text or "").strip() == "+18002738255"
    with session_scope() as session:
        assert session.scalars(select(SupportCase.kind)).all() == ["crisis"]


def test_a_caller_who_hangs_up_while_waiting_is_counted_as_abandoned(
    twilio: TwilioPoster, line: tuple[Settings, time_machine.Traveller]
) -> None:
    caller, enqueue = _queued(twilio)
    _wait(caller, enqueue)
    caller.post(path_of(enqueue.get("action", "")), QueueResult="hangup", QueueTime="12")
    assert _entry().status == "abandoned"
    # Volunteers still ringing for them are hung up.
    from hotline.queues import get_queue, get_redis

    assert f"warm-legs-{_entry().id}" in get_queue("urgent", get_redis()).job_ids
    metrics = twilio.client.get("/metrics").text
    assert 'hotline_warm_calls_total{outcome="abandoned"} 1.0' in metrics
    assert 'hotline_warm_calls_total{outcome="answered"} 0.0' in metrics


def test_outside_hours_the_menu_says_when_the_warm_line_opens_and_offers_a_call_back(
    twilio: TwilioPoster, settings: Settings
) -> None:
    from tests.people import add_staff

    with travel(OFF_SHIFT, tick=False):
        add_volunteer(settings, ANA)
        add_staff(settings, "+14155550199", "responder")
        caller = Caller(twilio, CALLER)
        caller.start()
        caller.press("1")
        caller.press("2")
        assert "The peer line is closed right now. It opens again Wednesday at 6 PM." in (
            caller.says()
        )
        assert "To ask for a call back, press 1." in caller.says()
        caller.press("1")
        assert "The on-call team will call you back." in caller.says()
    with session_scope() as session:
        case = session.scalars(select(SupportCase)).one()
        assert (case.kind, case.source) == ("talk", "voice")


@pytest.mark.parametrize(
    "path",
    [
        "warm/wait/1",
        "warm/key/1",
        "warm/left/1",
        "warm/screen/1",
        "warm/recorded/1",
        "warm/transcribed/1",
        "outbound/warm/1",
        "outbound/voicemail/1",
    ],
)
def test_unsigned_posts_are_forbidden(twilio: TwilioPoster, path: str) -> None:
    fields = twilio.call_fields(CALLER, "CA" + "0" * 32)
    assert twilio.post(f"/twilio/voice/{path}", fields, signed=False).status_code == 403


def test_in_order_rings_one_volunteer_at_a_time(
    twilio: TwilioPoster, use_settings: UseSettings, prism_url: str
) -> None:
    import dataclasses

    from hotline.settings import load_settings

    rules = dataclasses.replace(load_settings({}).warm, ring_strategy="in_order", ring_seconds=25)
    settings = use_settings(warm=rules)
    twilio.client.app.state.settings = settings  # type: ignore[attr-defined]
    with travel(ON_SHIFT, tick=False) as traveller:
        add_volunteer(settings, ANA, name="Ana")
        add_volunteer(settings, BEN, name="Ben")
        caller, enqueue = _queued(twilio)
        _wait(caller, enqueue)
        entry = _entry()
        assert (len(calls_to(settings, ANA)), len(calls_to(settings, BEN))) == (1, 0)
        traveller.shift(dt.timedelta(seconds=10))
        _wait(caller, enqueue, 10)
        assert len(calls_to(settings, BEN)) == 0  # Ana is still ringing
        traveller.shift(dt.timedelta(seconds=20))
        _wait(caller, enqueue, 30)
        assert calls_to(settings, BEN) == [f"outbound/warm/{entry.id}"]


def test_a_long_queue_asks_on_call_responders_who_are_not_volunteers_to_help(
    twilio: TwilioPoster, line: tuple[Settings, time_machine.Traveller]
) -> None:
    from tests.people import add_staff
    from tests.twilio import sms_texts

    settings, _ = line
    responder = "+14155550199"
    add_staff(settings, responder, "responder")
    for number in ("+14155550172", "+14155550173", "+14155550174"):
        caller, enqueue = _queued(twilio, number)
        _wait(caller, enqueue)
    _wait(caller, enqueue, 40)  # asked once an hour, not at every tick
    assert texts_to(settings, responder, "alert") == [
        "3 callers waiting on the warm line - reply HELPING to take calls for 60 minutes"
    ]
    assert texts_to(settings, ANA, "alert") == []  # volunteers on shift are already rung
    assert _trail("warm_line") == [("warm_surge", {"waiting": 3, "asked": 1})]
    (helping,) = sms_texts(twilio.sms(responder, "HELPING"))
    assert helping.startswith("Thank you! You will get warm-line calls")
    another, another_enqueue = _queued(twilio, "+14155550175")
    _wait(another, another_enqueue)
    assert calls_to(settings, responder) == [f"outbound/warm/{_entry().id}"]


def test_the_voice_path_logs_no_number(
    twilio: TwilioPoster,
    line: tuple[Settings, time_machine.Traveller],
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    with caplog.at_level(logging.DEBUG):
        caller, enqueue = _queued(twilio)
        _wait(caller, enqueue)
        _leg(twilio, ANA, _entry().id).press("1")
        caller.post(path_of(enqueue.get("action", "")), QueueResult="bridged", QueueTime="35")
    for number in (CALLER, ANA, BEN):
        assert number not in caplog.text
        assert number[2:] not in caplog.text


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("warm/wait/999", {}),
        ("warm/key/999", {"Digits": "9"}),
        ("warm/left/999", {"QueueResult": "leave"}),
        ("warm/screen/999", {"Digits": "1"}),
        ("warm/ended/999", {}),
        ("warm/recorded/999", {"RecordingSid": "RE" + "1" * 32, "RecordingDuration": "x"}),
        ("warm/recorded/999", {"RecordingSid": "RE" + "1" * 32, "RecordingDuration": "²"}),
        ("warm/recorded/999", {"RecordingSid": "RE" + "1" * 32, "RecordingDuration": "١٤"}),
        ("outbound/warm/999", {}),
        ("outbound/voicemail/999", {}),
    ],
)
def test_unknown_ids_and_odd_fields_get_a_calm_answer(
    twilio: TwilioPoster, settings: Settings, path: str, fields: dict[str, str]
) -> None:
    response = twilio.post(
        f"/twilio/voice/{path}", twilio.call_fields(CALLER, "CA" + "2" * 32, **fields)
    )
    assert response.status_code == 200, response.text
    assert ET.fromstring(response.text).tag == "Response"
    assert (
        twilio.post(
            "/twilio/voice/warm/transcribed/999",
            twilio.call_fields(CALLER, "CA" + "2" * 32, RecordingSid="RE9", TranscriptionText="hi"),
        ).status_code
        == 204
    )


def test_a_wait_fetch_just_after_the_take_keeps_the_caller_queued_for_the_bridge(
    twilio: TwilioPoster, line: tuple[Settings, time_machine.Traveller]
) -> None:
    caller, enqueue = _queued(twilio)
    _wait(caller, enqueue)
    _leg(twilio, ANA, _entry().id).press("1")
    hold = _wait(caller, enqueue, 45)
    assert hold.find("Leave") is None
    assert "A volunteer will be with you shortly" in caller.says()
