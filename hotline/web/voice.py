"""POST /twilio/voice and the menu steps under it: verify, parse, run, answer TwiML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline import voice
from hotline.web.twilio_auth import twilio_form

TWIML = "application/xml"


async def _answer(request: Request, answer: Callable[..., str], *args: Any) -> Response:
    """Verify the webhook, read the call, and answer with what `answer` renders."""
    form = await twilio_form(request)
    settings = request.app.state.settings
    try:
        event = voice.CallEvent.from_form(form, settings.default_region)
    except voice.BadCall as exc:
        return Response(str(exc), status_code=400, media_type="text/plain")
    twiml = await run_in_threadpool(answer, settings, event, *args)
    return Response(twiml, media_type=TWIML)


async def inbound_call(request: Request) -> Response:
    return await _answer(request, voice.answer_inbound)


async def menu_step(request: Request) -> Response:
    return await _answer(request, voice.answer_step, dict(request.query_params))


async def crisis_fallback(request: Request) -> Response:
    return await _answer(request, voice.answer_crisis_fallback, dict(request.query_params))


async def reminder_call(request: Request) -> Response:
    return await _answer(request, voice.answer_reminder_call, request.path_params["id"])


async def join_call(request: Request) -> Response:
    return await _answer(request, voice.answer_join_call, request.path_params["id"])


# Menu steps, mounted under /twilio/voice/.
steps: list[Route] = [
    Route("/step", menu_step, methods=["POST"]),
    Route("/crisis-fallback", crisis_fallback, methods=["POST"]),
    Route("/outbound/reminder/{id:int}", reminder_call, methods=["POST"]),
    Route("/outbound/join/{id:int}", join_call, methods=["POST"]),
]
