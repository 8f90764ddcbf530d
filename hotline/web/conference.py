"""POST /twilio/status/conference: live head count of phone-bridge meetings."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from hotline import rooms
from hotline.bounded import within_deadline
from hotline.db import session_scope
from hotline.flows.digits import as_int
from hotline.web.twilio_auth import twilio_form


def _apply(form: FormData) -> None:
    sequence = str(form.get("SequenceNumber") or "0")
    with session_scope() as session:
        rooms.apply_conference_event(
            session=session,
            name=str(form.get("FriendlyName") or ""),
            event=str(form.get("StatusCallbackEvent") or ""),
            sequence=as_int(sequence, max_digits=9) or 0,
            conference_sid=str(form.get("ConferenceSid") or "")[:40],
            call_sid=str(form.get("CallSid") or "")[:64],
            muted=str(form.get("Muted") or "").lower() == "true" if "Muted" in form else None,
        )


async def conference_status(request: Request) -> Response:
    form = await twilio_form(request)
    if not str(form.get("FriendlyName") or "").startswith(rooms.ROOM_PREFIX):
        return Response(status_code=204)
    apply = lambda: _apply(form)  # noqa: E731
    await within_deadline(apply, fallback=lambda: None, late=apply, event="conference_status")
    return Response(status_code=204)
