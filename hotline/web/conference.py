"""POST /twilio/status/conference: live head count of phone-bridge meetings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hotline.web.twilio_auth import twilio_form


async def conference_status(request: Request) -> Response:
    await twilio_form(request)
    return Response(status_code=204)
