"""The Starlette app: routes and error answers. It assembles; it decides nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from hotline import bounded, metrics
from hotline.crisis.detector import check_crisis_config
from hotline.logs import log
from hotline.settings import Settings, get_settings
from hotline.sms import twiml as sms_twiml
from hotline.voice import runner as voice
from hotline.web import admin, bridge, conference, health, meeting_feed, sms, status, warm
from hotline.web import voice as voice_routes
from hotline.web.guard import BodyLimit, SafeAnswer

logger = logging.getLogger(__name__)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(exc.detail, status_code=exc.status_code)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Only reached when the safe-answer layer itself failed."""
    log(logger, "unhandled_error", logging.ERROR, path=request.url.path, error=type(exc).__name__)
    return _safe_answer(request.app.state.settings)(request.url.path, exc)


def _safe_answer(settings: Settings) -> Callable[[str, BaseException], Response]:
    def answer(path: str, _exc: BaseException) -> Response:
        """Never leave a person in silence or show a stack trace: the crisis line, always."""
        if path.startswith("/twilio/sms"):
            return Response(
                sms_twiml.sorry(settings.default_language), media_type="application/xml"
            )
        if path.startswith("/twilio/voice"):
            return Response(voice.busy_answer(settings), media_type="application/xml")
        if path.startswith("/twilio"):
            return Response(status_code=204)
        return PlainTextResponse("internal error", status_code=500)

    return answer


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI app for the given (or process-wide) settings."""
    settings = settings or get_settings()
    check_crisis_config()  # a broken crisis file stops the line here, not at a crisis
    bounded.size_lanes(sqlite=settings.database_url.startswith("sqlite"))
    routes = [
        Route("/healthz", health.healthz),
        Route("/readyz", health.readyz),
        Route("/metrics", health.metrics),
        Route("/meetings.json", meeting_feed.meetings_json),
        Route("/twilio/sms", sms.inbound_sms, methods=["POST"]),
        Route("/twilio/voice", voice_routes.inbound_call, methods=["POST"]),
        # Staff call legs first: a Mount matches on its prefix alone.
        Mount("/twilio/voice", routes=[*bridge.routes, *warm.routes, *voice_routes.steps]),
        Route("/twilio/status/conference", conference.conference_status, methods=["POST"]),
        Mount("/twilio/status", routes=status.routes),
        admin.mount(settings),
    ]
    metrics.register()
    app = Starlette(
        routes=routes,
        # Outermost first: webhooks are counted as answered, safe answers included.
        middleware=[
            Middleware(metrics.WebhookMetrics),
            Middleware(SafeAnswer, answer=_safe_answer(settings)),
            Middleware(BodyLimit),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _unexpected},
    )
    app.state.settings = settings
    return app
