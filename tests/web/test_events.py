"""hotline/web/events.py: a warm-line, staff-leg or status webhook read as one capped event."""

from __future__ import annotations

from starlette.datastructures import FormData

from hotline.web.events import (
    MAX_DIGITS,
    MAX_FIELD_CHARS,
    ConferenceEvent,
    LegEvent,
    StatusEvent,
    WarmEvent,
    conference_event,
    leg_event,
    status_event,
    warm_event,
)


def test_a_warm_form_becomes_one_event() -> None:
    form = FormData(
        {
            "To": "+15550100001",
            "From": "+15550100000",
            "Digits": "1",
            "QueueResult": "hangup",
            "RecordingSid": "RE" + "7" * 32,
            "RecordingDuration": "14",
            "TranscriptionText": "call me back",
        }
    )
    assert warm_event(form) == WarmEvent(
        to="+15550100001",
        line="+15550100000",
        digits="1",
        queue_result="hangup",
        recording_sid="RE" + "7" * 32,
        recording_seconds=14,
        transcription="call me back",
    )


def test_a_warm_form_missing_or_odd_fields_reads_as_empty() -> None:
    assert warm_event(FormData({})) == WarmEvent("", "", "", "", "", 0, "")
    assert warm_event(FormData({"RecordingDuration": "x"})).recording_seconds == 0
    assert warm_event(FormData({"RecordingDuration": "١٤"})).recording_seconds == 0


def test_a_warm_form_is_capped_field_by_field() -> None:
    long = warm_event(FormData({"To": "1" * 500, "Digits": "9" * 500, "QueueResult": "x" * 500}))
    assert (len(long.to), len(long.digits), len(long.queue_result)) == (
        MAX_FIELD_CHARS,
        MAX_DIGITS,
        MAX_FIELD_CHARS,
    )


def test_a_staff_leg_form_becomes_one_event() -> None:
    form = FormData({"To": "+15550100001", "From": "+15550100000", "CallSid": "CA" + "1" * 32})
    assert leg_event(form) == LegEvent("+15550100001", "+15550100000", "CA" + "1" * 32)
    assert leg_event(FormData({})) == LegEvent("", "", "")


def test_a_conference_callback_becomes_one_event() -> None:
    form = FormData(
        {
            "FriendlyName": "hotline-room-12",
            "StatusCallbackEvent": "participant-join",
            "SequenceNumber": "7",
            "ConferenceSid": "CF" + "1" * 32,
            "CallSid": "CA" + "2" * 32,
            "Muted": "True",
        }
    )
    assert conference_event(form) == ConferenceEvent(
        name="hotline-room-12",
        event="participant-join",
        sequence=7,
        conference_sid="CF" + "1" * 32,
        call_sid="CA" + "2" * 32,
        muted=True,
    )


def test_a_conference_callback_with_odd_fields_is_read_safely() -> None:
    odd = conference_event(
        FormData({"SequenceNumber": "²" * 3, "ConferenceSid": "CF" + "9" * 90, "CallSid": "x" * 99})
    )
    assert (odd.name, odd.event, odd.sequence, odd.muted) == ("", "", 0, None)
    assert len(odd.conference_sid) == 40 and len(odd.call_sid) == MAX_FIELD_CHARS
    assert conference_event(FormData({"SequenceNumber": "9" * 20})).sequence == 0


def test_a_status_callback_reads_its_kind_of_sid() -> None:
    text = FormData({"MessageSid": "SM1", "MessageStatus": "delivered", "CallSid": "CA1"})
    assert status_event(text, "sms") == StatusEvent("SM1", "delivered", None)
    call = FormData({"CallSid": "CA1", "CallStatus": "failed", "ErrorCode": "30003"})
    assert status_event(call, "call") == StatusEvent("CA1", "failed", "30003")
    assert status_event(FormData({"MessageStatus": "sent"}), "sms") == StatusEvent(
        None, "sent", None
    )
    long = status_event(FormData({"MessageSid": "S" * 500, "MessageStatus": "sent"}), "sms")
    assert long.sid is not None and len(long.sid) == MAX_FIELD_CHARS
