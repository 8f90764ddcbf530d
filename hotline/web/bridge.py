"""Outbound staff calls: the crisis alert read aloud, and the masked callback bridge.

Mounted under /twilio/voice: a responder who sent `CALL 12` is rung by the hotline, and when
they answer, /twilio/voice/outbound/bridge/12 dials the member with the hotline's number as
caller ID, so neither side sees the other's number. The answers are hotline/voice/legs.py's.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.bounded import within_deadline
from hotline.voice import legs
from hotline.voice.runner import busy_answer
from hotline.web.events import leg_event
from hotline.web.ids import ID
from hotline.web.twilio_auth import twilio_form

logger = logging.getLogger(__name__)
TWIML = "application/xml"


async def bridge_call(request: Request) -> Response:
    event = leg_event(await twilio_form(request))
    twiml = functools.partial(
        legs.answer_bridge,
        settings=request.app.state.settings,
        case_id=request.path_params["case_id"],
        answered_by=event.to,
        line_number=event.line,
        call_sid=event.call_sid,
    )
    return await _in_time(request, twiml)


async def alert_call(request: Request) -> Response:
    event = leg_event(await twilio_form(request))
    twiml = functools.partial(
        legs.answer_alert,
        settings=request.app.state.settings,
        case_id=request.path_params["case_id"],
        answered_by=event.to,
    )
    return await _in_time(request, twiml)


async def _in_time(request: Request, twiml: Callable[[], str]) -> Response:
    """A staff leg's TwiML within the deadline, or the menu where 9 reaches the crisis line."""
    settings = request.app.state.settings
    answer = await within_deadline(
        twiml, fallback=lambda: busy_answer(settings), late=None, event="staff_leg"
    )
    return Response(answer, media_type=TWIML)


# Mounted under /twilio/voice.
routes = [
    Route(f"/outbound/bridge/{{case_id:{ID}}}", bridge_call, methods=["POST"]),
    Route(f"/outbound/alert/{{case_id:{ID}}}", alert_call, methods=["POST"]),
]
