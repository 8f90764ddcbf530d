"""POST /twilio/voice and the menu steps under it: verify, parse, run, answer TwiML in time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.bounded import record_within_budget_async, within_deadline
from hotline.voice import runner as voice
from hotline.voice.twiml import CALLS_LIMITED
from hotline.web.events import BadWebhook, call_event
from hotline.web.ids import ID
from hotline.web.twilio_auth import twilio_form

TWIML = "application/xml"


async def _event(request: Request) -> voice.CallEvent | Response:
    """Verify the webhook and read the call, or the 400 that says what is missing."""
    form = await twilio_form(request)
    try:
        return call_event(form, request.app.state.settings.default_region)
    except BadWebhook as exc:
        return Response(str(exc), status_code=400, media_type="text/plain")


async def _answer(request: Request, answer: Callable[..., str], *args: Any) -> Response:
    event = await _event(request)
    if isinstance(event, Response):
        return event
    return await _in_time(request, event, answer, *args)


async def _in_time(
    request: Request, event: voice.CallEvent, answer: Callable[..., str], *args: Any
) -> Response:
    """Answer with what `answer` renders, or, past the deadline, a menu where 9 still works."""
    settings = request.app.state.settings
    query = dict(request.query_params)
    twiml = await within_deadline(
        lambda: answer(settings, event, *args),
        fallback=lambda: voice.busy_answer(settings, query),
        late=lambda: voice.record_call_late(settings, event),
        event="voice",
        call_sid=event.call_sid,
    )
    return Response(twiml, media_type=TWIML)


async def inbound_call(request: Request) -> Response:
    return await _answer(request, voice.answer_inbound)


async def menu_step(request: Request) -> Response:
    event = await _event(request)
    if isinstance(event, Response):
        return event
    query = dict(request.query_params)
    # Key 9 or a spoken "help" is answered here, in the event loop, ahead of every thread.
    language = voice.crisis_language(request.app.state.settings, event, query)
    if language is not None:
        return Response(await _crisis(request, event, language), media_type=TWIML)
    if query.get(CALLS_LIMITED) == "1":  # over the call limit: only 9 goes on
        return Response(voice.limited_goodbye(request.app.state.settings, query), media_type=TWIML)
    return await _in_time(request, event, voice.answer_step, query)


async def _crisis(request: Request, event: voice.CallEvent, language: str) -> str:
    """The crisis dial, once its case is recorded or after a short wait (no lane thread)."""
    answer, record = voice.crisis_dial(request.app.state.settings, event, language)
    wait = voice.CRISIS_CASE_WAIT_SECONDS
    await record_within_budget_async(
        record, event="crisis_case", budget=wait, call_sid=event.call_sid
    )
    return answer


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
    Route(f"/outbound/reminder/{{id:{ID}}}", reminder_call, methods=["POST"]),
    Route(f"/outbound/join/{{id:{ID}}}", join_call, methods=["POST"]),
]
