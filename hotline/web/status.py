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
from hotline.web.twilio_auth import twilio_form


async def message_status(request: Request) -> Response:
    form = await twilio_form(request)
    fields = (form.get("MessageSid"), form.get("MessageStatus"), form.get("ErrorCode"))
    return await _in_time("sms", *fields)


async def call_status(request: Request) -> Response:
    form = await twilio_form(request)
    fields = (form.get("CallSid"), form.get("CallStatus"), form.get("ErrorCode"))
    return await _in_time("call", *fields)


async def _in_time(kind: str, sid: object, status: object, error_code: object) -> Response:
    """Record within the deadline; a slow or failed record is retried from the spool."""
    record = lambda: _record(kind, sid, status, error_code)  # noqa: E731
    return await within_deadline(
        record, fallback=lambda: Response(status_code=204), late=record, event="status"
    )


def _record(kind: str, sid: object, status: object, error_code: object) -> Response:
    if not isinstance(sid, str) or not isinstance(status, str) or not sid:
        return Response("missing sid or status", status_code=400)
    code = error_code if isinstance(error_code, str) and error_code else None
    with session_scope() as session:
        record_status(session=session, kind=kind, sid=sid, provider_status=status, error_code=code)
        if kind == "call":  # an inbound call the menu answered, rather than one we placed
            record_call_status(session=session, call_sid=sid, status=status, now=clock.now())
    return Response(status_code=204)


routes = [
    Route("/message", message_status, methods=["POST"]),
    Route("/call", call_status, methods=["POST"]),
]
