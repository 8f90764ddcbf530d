"""The warm line's call webhooks, mounted under /twilio/voice: verify, read (web/events.py), answer.

Caller: warm/wait (Twilio's <Enqueue> waitUrl), warm/key (a key while holding), warm/left
(<Enqueue> action), warm/recorded and warm/transcribed (voicemail). Volunteer:
outbound/warm/<id> (the leg the line rang), warm/screen (their key), warm/ended (bridge over),
outbound/voicemail/<id> (the masked call back of CALL V17).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.bounded import within_deadline
from hotline.voice.runner import busy_answer
from hotline.warm import calls as warm_calls
from hotline.warm import twiml, voicemail
from hotline.web.events import warm_event
from hotline.web.ids import ID
from hotline.web.twilio_auth import twilio_form

TWIML = "application/xml"


async def _answer(
    request: Request,
    answer: Callable[..., str],
    *args: Any,
    fallback: Callable[[], str] | None = None,
) -> Response:
    """Answer within the webhook deadline; past it, `fallback` or the menu where 9 works."""
    settings = request.app.state.settings
    twiml = await within_deadline(
        lambda: answer(*args),
        fallback=fallback or (lambda: busy_answer(settings)),
        late=None,
        event="warm",
    )
    return Response(twiml, media_type=TWIML)


# The warm line's tables have 32-bit ids: a larger one names no row (and must not reach
# PostgreSQL, which refuses it).
_MAX_ROW_ID = 2**31 - 1


def _id(request: Request) -> int:
    value = int(request.path_params["id"])
    return value if value <= _MAX_ROW_ID else 0


async def wait(request: Request) -> Response:
    await twilio_form(request)
    settings = request.app.state.settings
    entry_id = _id(request)
    # Past the deadline the caller still holds (and 9 still works); the next fetch rings.
    held = lambda: twiml.hold(settings, entry_id, settings.default_language, pause=30)  # noqa: E731
    return await _answer(request, warm_calls.answer_wait, settings, entry_id, fallback=held)


async def key(request: Request) -> Response:
    event = warm_event(await twilio_form(request))
    settings = request.app.state.settings
    entry_id, digits = _id(request), event.digits
    # A 9 leaves the queue even when the database is slow (the action then offers help).
    gone = twiml.leave if digits == "9" else (lambda: twiml.hold(settings, entry_id, "en", pause=1))
    return await _answer(request, warm_calls.answer_key, settings, entry_id, digits, fallback=gone)


async def left(request: Request) -> Response:
    event = warm_event(await twilio_form(request))
    settings = request.app.state.settings
    result = event.queue_result
    return await _answer(request, warm_calls.answer_left, settings, _id(request), result)


async def volunteer_leg(request: Request) -> Response:
    event = warm_event(await twilio_form(request))
    settings = request.app.state.settings
    return await _answer(request, warm_calls.answer_volunteer, settings, _id(request), event.to)


async def screen(request: Request) -> Response:
    event = warm_event(await twilio_form(request))
    settings = request.app.state.settings
    to, digits = event.to, event.digits
    return await _answer(request, warm_calls.answer_screen, settings, _id(request), to, digits)


async def ended(request: Request) -> Response:
    await twilio_form(request)
    return await _answer(request, warm_calls.answer_ended, _id(request))


async def recorded(request: Request) -> Response:
    event = warm_event(await twilio_form(request))
    settings = request.app.state.settings
    sid, seconds = event.recording_sid, event.recording_seconds
    return await _answer(request, voicemail.answer_recorded, settings, _id(request), sid, seconds)


async def transcribed(request: Request) -> Response:
    event = warm_event(await twilio_form(request))
    sid, text = event.recording_sid, event.transcription
    await within_deadline(
        lambda: voicemail.answer_transcribed(sid, text),
        fallback=lambda: None,
        late=lambda: voicemail.answer_transcribed(sid, text),
        event="warm_transcription",
    )
    return Response("", status_code=204)


async def voicemail_leg(request: Request) -> Response:
    event = warm_event(await twilio_form(request))
    settings = request.app.state.settings
    to, line = event.to, event.line
    return await _answer(request, voicemail.answer_callback_leg, settings, _id(request), to, line)


# Mounted under /twilio/voice.
routes = [
    Route(f"/warm/wait/{{id:{ID}}}", wait, methods=["POST"]),
    Route(f"/warm/key/{{id:{ID}}}", key, methods=["POST"]),
    Route(f"/warm/left/{{id:{ID}}}", left, methods=["POST"]),
    Route(f"/warm/screen/{{id:{ID}}}", screen, methods=["POST"]),
    Route(f"/warm/ended/{{id:{ID}}}", ended, methods=["POST"]),
    Route(f"/warm/recorded/{{id:{ID}}}", recorded, methods=["POST"]),
    Route(f"/warm/transcribed/{{id:{ID}}}", transcribed, methods=["POST"]),
    Route(f"/outbound/warm/{{id:{ID}}}", volunteer_leg, methods=["POST"]),
    Route(f"/outbound/voicemail/{{id:{ID}}}", voicemail_leg, methods=["POST"]),
]
