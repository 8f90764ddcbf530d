"""The warm line's call webhooks, mounted under /twilio/voice: verify, read, answer TwiML.

Caller: warm/wait (Twilio's <Enqueue> waitUrl), warm/key (a key while holding), warm/left
(<Enqueue> action), warm/recorded and warm/transcribed (voicemail). Volunteer:
outbound/warm/<id> (the leg the line rang), warm/screen (their key), warm/ended (bridge over),
outbound/voicemail/<id> (the masked call back of CALL V17).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline import voicemail, warm_calls
from hotline.web.twilio_auth import twilio_form

TWIML = "application/xml"


async def _answer(request: Request, answer: Callable[..., str], *args: Any) -> Response:
    twiml = await run_in_threadpool(answer, *args)
    return Response(twiml, media_type=TWIML)


def _id(request: Request) -> int:
    return int(request.path_params["id"])


def _field(form: FormData, name: str, limit: int = 64) -> str:
    return str(form.get(name) or "")[:limit]


async def wait(request: Request) -> Response:
    await twilio_form(request)
    return await _answer(request, warm_calls.answer_wait, request.app.state.settings, _id(request))


async def key(request: Request) -> Response:
    form = await twilio_form(request)
    settings = request.app.state.settings
    return await _answer(
        request, warm_calls.answer_key, settings, _id(request), _field(form, "Digits")
    )


async def left(request: Request) -> Response:
    form = await twilio_form(request)
    settings = request.app.state.settings
    result = _field(form, "QueueResult")
    return await _answer(request, warm_calls.answer_left, settings, _id(request), result)


async def volunteer_leg(request: Request) -> Response:
    form = await twilio_form(request)
    settings = request.app.state.settings
    return await _answer(
        request, warm_calls.answer_volunteer, settings, _id(request), _field(form, "To")
    )


async def screen(request: Request) -> Response:
    form = await twilio_form(request)
    settings = request.app.state.settings
    to, digits = _field(form, "To"), _field(form, "Digits", 20)
    return await _answer(request, warm_calls.answer_screen, settings, _id(request), to, digits)


async def ended(request: Request) -> Response:
    await twilio_form(request)
    return await _answer(request, warm_calls.answer_ended, _id(request))


async def recorded(request: Request) -> Response:
    form = await twilio_form(request)
    settings = request.app.state.settings
    sid = _field(form, "RecordingSid")
    duration = _field(form, "RecordingDuration", 8)
    seconds = int(duration) if duration.isdigit() else 0
    return await _answer(request, voicemail.answer_recorded, settings, _id(request), sid, seconds)


async def transcribed(request: Request) -> Response:
    form = await twilio_form(request)
    sid, text = _field(form, "RecordingSid"), _field(form, "TranscriptionText", 4000)
    await run_in_threadpool(voicemail.answer_transcribed, sid, text)
    return Response("", status_code=204)


async def voicemail_leg(request: Request) -> Response:
    form = await twilio_form(request)
    settings = request.app.state.settings
    to, line = _field(form, "To"), _field(form, "From")
    return await _answer(request, voicemail.answer_callback_leg, settings, _id(request), to, line)


# Mounted under /twilio/voice.
routes = [
    Route("/warm/wait/{id:int}", wait, methods=["POST"]),
    Route("/warm/key/{id:int}", key, methods=["POST"]),
    Route("/warm/left/{id:int}", left, methods=["POST"]),
    Route("/warm/screen/{id:int}", screen, methods=["POST"]),
    Route("/warm/ended/{id:int}", ended, methods=["POST"]),
    Route("/warm/recorded/{id:int}", recorded, methods=["POST"]),
    Route("/warm/transcribed/{id:int}", transcribed, methods=["POST"]),
    Route("/outbound/warm/{id:int}", volunteer_leg, methods=["POST"]),
    Route("/outbound/voicemail/{id:int}", voicemail_leg, methods=["POST"]),
]
