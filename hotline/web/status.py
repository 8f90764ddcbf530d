"""Status callbacks from Twilio: messages, calls, conferences."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.web.twilio_auth import twilio_form


async def message_status(request: Request) -> Response:
    await twilio_form(request)
    return Response(status_code=204)


async def call_status(request: Request) -> Response:
    await twilio_form(request)
    return Response(status_code=204)


routes = [
    Route("/message", message_status, methods=["POST"]),
    Route("/call", call_status, methods=["POST"]),
]
