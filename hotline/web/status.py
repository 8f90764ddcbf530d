"""Status callbacks from Twilio for outbound texts and calls: move outbox rows forward only."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline import clock
from hotline.bounded import within_deadline
from hotline.calls import record_call_status
from hotline.db import session_scope
from hotline.outbox import record_status
from hotline.web.events import StatusEvent, status_event
from hotline.web.twilio_auth import twilio_form


async def message_status(request: Request) -> Response:
    return await _in_time("sms", status_event(await twilio_form(request), "sms"))


async def call_status(request: Request) -> Response:
    return await _in_time("call", status_event(await twilio_form(request), "call"))


async def _in_time(kind: str, event: StatusEvent) -> Response:
    """Record within the deadline; a slow or failed record is retried from the spool."""
    record = lambda: _record(kind, event)  # noqa: E731
    return await within_deadline(
        record, fallback=lambda: Response(status_code=204), late=record, event="status"
    )


def _record(kind: str, event: StatusEvent) -> Response:
    sid, status = event.sid, event.status
    if not sid or status is None:
        return Response("missing sid or status", status_code=400)
    code = event.error_code or None
    with session_scope() as session:
        record_status(session=session, kind=kind, sid=sid, provider_status=status, error_code=code)
        if kind == "call":  # an inbound call the menu answered, rather than one we placed
            record_call_status(session=session, call_sid=sid, status=status, now=clock.now())
    return Response(status_code=204)


routes = [
    Route("/message", message_status, methods=["POST"]),
    Route("/call", call_status, methods=["POST"]),
]
