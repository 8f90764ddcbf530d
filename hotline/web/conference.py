"""POST /twilio/status/conference: live head count of phone-bridge meetings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hotline import rooms
from hotline.bounded import within_deadline
from hotline.db import session_scope
from hotline.web.events import ConferenceEvent, conference_event
from hotline.web.twilio_auth import twilio_form


def _apply(event: ConferenceEvent) -> None:
    with session_scope() as session:
        rooms.apply_conference_event(
            session=session,
            name=event.name,
            event=event.event,
            sequence=event.sequence,
            conference_sid=event.conference_sid,
            call_sid=event.call_sid,
            muted=event.muted,
        )


async def conference_status(request: Request) -> Response:
    event = conference_event(await twilio_form(request))
    if not event.name.startswith(rooms.ROOM_PREFIX):
        return Response(status_code=204)
    apply = lambda: _apply(event)  # noqa: E731
    await within_deadline(apply, fallback=lambda: None, late=apply, event="conference_status")
    return Response(status_code=204)
