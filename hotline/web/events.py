"""Twilio's webhook forms turned into the typed events the runners answer.

The runners (hotline/sms/, hotline/voice/, hotline/warm/) never see Starlette: the web layer
reads the form here and hands them an `InboundSms`, a `CallEvent`, or a `LegEvent`'s or a
`WarmEvent`'s fields. A form that lacks what Twilio always sends raises `BadWebhook`, which the
route answers with a 400 saying what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from hotline.flows.digits import as_int, ascii_digits
from hotline.flows.voice import menu as flow
from hotline.phones import PhoneError, normalise
from hotline.sms.runner import InboundSms
from hotline.voice.runner import CallEvent, screen_words

MAX_BODY_CHARS = 1600
MAX_SPEECH_CHARS = 300
MAX_DIGITS = 20
# A warm-line webhook's other fields: numbers, SIDs and Twilio's words ("hangup", "bridged").
MAX_FIELD_CHARS = 64
MAX_DURATION_CHARS = 8
MAX_TRANSCRIPTION_CHARS = 4000


class BadWebhook(ValueError):
    """A webhook that lacks what Twilio always sends (answered with a 400)."""


def _text(form: FormData, name: str, limit: int | None = None) -> str:
    return str(form.get(name) or "")[:limit]


def _phone(number: str, region: str, what: str) -> str:
    try:
        return normalise(number, region)
    except PhoneError as exc:
        raise BadWebhook(f"{what} is not a phone number") from exc


def sms_event(form: FormData, region: str = "US") -> InboundSms:
    """An inbound text: who sent it, to which number, the body, and Twilio's opt-out type."""
    sid, sender = _text(form, "MessageSid"), _text(form, "From")
    if not sid or not sender:
        raise BadWebhook("MessageSid and From are required")
    e164 = _phone(sender, region, "From")
    body = _text(form, "Body")[:MAX_BODY_CHARS]
    # Set by Twilio's Advanced Opt-Out: "STOP", "START" or "HELP".
    opt_out_type = _text(form, "OptOutType") or None
    return InboundSms(sid, e164, _text(form, "To"), body, opt_out_type)


def call_event(form: FormData, region: str = "US") -> CallEvent:
    """A call webhook: the call, the person on the line, what they pressed or said (screened)."""
    sid, direction = _text(form, "CallSid"), _text(form, "Direction") or "inbound"
    them, us = _text(form, "From"), _text(form, "To")
    if direction.startswith("outbound"):
        them, us = us, them
    if not sid or not them:
        raise BadWebhook("CallSid and From are required")
    caller = _phone(them, region, "the caller")
    speech = _text(form, "SpeechResult")[:MAX_SPEECH_CHARS]
    digits = ascii_digits(_text(form, "Digits")[:MAX_DIGITS])
    heard = flow.Heard(digits, speech, *screen_words(speech))
    return CallEvent(sid, caller, us, direction, heard, _text(form, "DialCallStatus"))


@dataclass(frozen=True)
class LegEvent:
    """A staff leg the line placed (hotline/voice/legs.py): who answered, from which line."""

    to: str
    line: str
    call_sid: str


def leg_event(form: FormData) -> LegEvent:
    """A staff leg's webhook: the responder's number, the line's, the call (each capped)."""
    return LegEvent(
        to=_text(form, "To", MAX_FIELD_CHARS),
        line=_text(form, "From", MAX_FIELD_CHARS),
        call_sid=_text(form, "CallSid", MAX_FIELD_CHARS),
    )


@dataclass(frozen=True)
class WarmEvent:
    """One warm-line webhook (hotline/warm/): what the route hands the warm runner."""

    # The leg's numbers: the volunteer's on their leg, the line's on a masked call back.
    to: str
    line: str
    digits: str  # a key while holding, a volunteer's screening key
    queue_result: str  # how the caller left the queue (<Enqueue> action)
    recording_sid: str
    recording_seconds: int
    transcription: str


def warm_event(form: FormData) -> WarmEvent:
    """A warm-line webhook: each field capped, a voicemail's duration read as whole seconds."""
    duration = _text(form, "RecordingDuration", MAX_DURATION_CHARS)
    return WarmEvent(
        to=_text(form, "To", MAX_FIELD_CHARS),
        line=_text(form, "From", MAX_FIELD_CHARS),
        digits=_text(form, "Digits", MAX_DIGITS),
        queue_result=_text(form, "QueueResult", MAX_FIELD_CHARS),
        recording_sid=_text(form, "RecordingSid", MAX_FIELD_CHARS),
        recording_seconds=as_int(duration) or 0,
        transcription=_text(form, "TranscriptionText", MAX_TRANSCRIPTION_CHARS),
    )


@dataclass(frozen=True)
class ConferenceEvent:
    """A phone-bridge conference's status callback (hotline/rooms.py keeps the head count)."""

    name: str  # FriendlyName: the room's, "hotline-room-…"
    event: str  # StatusCallbackEvent: "participant-join", "conference-end", …
    sequence: int
    conference_sid: str
    call_sid: str
    muted: bool | None  # only when Twilio says


def conference_event(form: FormData) -> ConferenceEvent:
    """A conference callback: each field capped, the sequence a small number (0 if not one)."""
    muted = _text(form, "Muted").lower() == "true" if "Muted" in form else None
    return ConferenceEvent(
        name=_text(form, "FriendlyName", MAX_FIELD_CHARS),
        event=_text(form, "StatusCallbackEvent", MAX_FIELD_CHARS),
        sequence=as_int(_text(form, "SequenceNumber") or "0", max_digits=9) or 0,
        conference_sid=_text(form, "ConferenceSid", 40),
        call_sid=_text(form, "CallSid", MAX_FIELD_CHARS),
        muted=muted,
    )


@dataclass(frozen=True)
class StatusEvent:
    """An outbound text's or call's status callback: its SID, Twilio's status, an error code."""

    sid: str | None  # None when the form lacks it (answered 400)
    status: str | None
    error_code: str | None


def status_event(form: FormData, kind: str) -> StatusEvent:
    """A status callback for a text ("sms": MessageSid/MessageStatus) or a call ("call")."""
    sid, status = ("MessageSid", "MessageStatus") if kind == "sms" else ("CallSid", "CallStatus")
    return StatusEvent(
        sid=_present(form, sid),
        status=_present(form, status),
        error_code=_present(form, "ErrorCode"),
    )


def _present(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value[:MAX_FIELD_CHARS] if isinstance(value, str) else None
