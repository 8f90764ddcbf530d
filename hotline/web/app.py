"""The Starlette app: routes and error answers. It assembles; it decides nothing."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from hotline import catalogs
from hotline.logs import log
from hotline.settings import Settings, get_settings
from hotline.web import admin, bridge, conference, health, meeting_feed, sms, status, voice

logger = logging.getLogger(__name__)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(exc.detail, status_code=exc.status_code)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Never leave a person in silence or show a stack trace: answer safely, log the type."""
    log(logger, "unhandled_error", logging.ERROR, path=request.url.path, error=type(exc).__name__)
    text = catalogs.catalog("en").t("sms.sorry")
    if request.url.path.startswith("/twilio/sms"):
        reply = MessagingResponse()
        reply.message(text)
        return Response(str(reply), media_type="application/xml")
    if request.url.path.startswith("/twilio/voice"):
        call = VoiceResponse()
        call.say(text)
        return Response(str(call), media_type="application/xml")
    return PlainTextResponse("internal error", status_code=500)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI app for the given (or process-wide) settings."""
    settings = settings or get_settings()
    routes = [
        Route("/healthz", health.healthz),
        Route("/readyz", health.readyz),
        Route("/metrics", health.metrics),
        Route("/meetings.json", meeting_feed.meetings_json),
        Route("/twilio/sms", sms.inbound_sms, methods=["POST"]),
        Route("/twilio/voice", voice.inbound_call, methods=["POST"]),
        # Staff call legs first: a Mount matches on its prefix alone.
        Mount("/twilio/voice", routes=[*bridge.routes, *voice.steps]),
        Route("/twilio/status/conference", conference.conference_status, methods=["POST"]),
        Mount("/twilio/status", routes=status.routes),
        admin.mount(settings),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _unexpected},
    )
    app.state.settings = settings
    return app
