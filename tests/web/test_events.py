"""hotline/web/events.py: a warm-line or staff-leg webhook's form read as one capped event."""

from __future__ import annotations

from starlette.datastructures import FormData

from hotline.web.events import (
    MAX_DIGITS,
    MAX_FIELD_CHARS,
    LegEvent,
    WarmEvent,
    leg_event,
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
