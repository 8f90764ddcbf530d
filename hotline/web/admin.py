"""GET/POST /admin/…: the coordinator dashboard, signed in by a one-time code sent by text."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from redis.exceptions import RedisError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotline import admin_auth, clock, limits
from hotline.admin_auth import CodeResult
from hotline.catalogs import catalog
from hotline.db import session_scope
from hotline.flows.digits import ascii_digits
from hotline.flows.limits import SignIn
from hotline.logs import log
from hotline.models import Coordinator
from hotline.phones import PhoneError, normalise
from hotline.queues import get_redis
from hotline.settings import Settings
from hotline.web.admin_overview import (
    ack_from_dashboard,
    close_from_dashboard,
    get_overview,
)
from hotline.web.ids import ID

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "es")
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
templates = Jinja2Templates(env=_ENV)
_HEADERS = {
    b"cache-control": b"no-store",
    b"content-security-policy": (
        b"default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
        b"img-src 'self'; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'"
    ),
    b"referrer-policy": b"no-referrer",
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
}
Handler = Callable[[Request], Awaitable[Response]]


class _SecurityHeaders:
    """Keep dashboard pages out of caches and frames, and let them load only our own CSS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS.items()]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Sessions and forms -------------------------------------------------------------------------


def _csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def _checked_form(request: Request) -> dict[str, str]:
    """Return the posted form, or answer 403 when its CSRF token is not this session's."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    expected = request.session.get("csrf")
    given = fields.get("csrf", "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected, given):
        log(logger, "admin_csrf_refused", logging.WARNING, path=request.url.path)
        raise HTTPException(status_code=403, detail="Forbidden: the form expired. Reload the page.")
    return fields


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    context.update(csrf=_csrf_token(request), note=request.session.pop("note", None))
    language = context.setdefault("lang", page_language(request))
    context.setdefault("t", catalog(language).t)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def page_language(request: Request, preferred: str | None = None) -> str:
    """Return the page language: the one picked on the dashboard, else the staff's, else EN."""
    chosen = request.session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    if preferred in LANGUAGES:
        return str(preferred)
    accepted = request.headers.get("accept-language", "")[:200].lower()
    return "es" if accepted.startswith("es") else "en"


def _go(path: str, note: str | None = None, *, request: Request) -> Response:
    if note:
        request.session["note"] = note
    return RedirectResponse(path, status_code=303)


def _signed_in(request: Request, session: Session) -> Coordinator | None:
    """The staff member whose live server-side session this browser holds, if any."""
    token = request.session.get("sid")
    if not isinstance(token, str):
        return None
    try:
        staff_id = admin_auth.session_staff(redis=get_redis(), token=token)
    except RedisError as exc:
        log(logger, "admin_session_unavailable", logging.WARNING, error=type(exc).__name__)
        return None
    staff = session.get(Coordinator, staff_id) if staff_id is not None else None
    return staff if staff is not None and staff.removed_at is None else None


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _too_many(request: Request, page: str) -> Response:
    minutes = _settings(request).sign_in_window_minutes
    error = catalog("en").t("limits.sign_in_too_many", minutes=minutes)
    return _render(request, page, 429, error=error)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Sign-in ------------------------------------------------------------------------------------


async def sign_in_page(request: Request) -> Response:
    return _render(request, "sign_in.html")


async def sign_in(request: Request) -> Response:
    fields = await _checked_form(request)
    settings, words = _settings(request), catalog("en")
    try:
        e164 = normalise(fields.get("phone", "")[:40], settings.default_region)
    except PhoneError:
        return _render(request, "sign_in.html", 400, error=words.t("admin.bad_phone"))
    pending = admin_auth.pending_key(settings=settings, e164=e164)
    try:
        verdict = await run_in_threadpool(_request_code, settings, pending, e164, _address(request))
    except RedisError:
        return _render(request, "sign_in.html", 503, error=words.t("admin.unavailable"))
    if verdict is SignIn.TOO_MANY_HERE:
        return _too_many(request, "sign_in.html")
    request.session.clear()
    request.session["pending"] = pending
    return _go("/admin/code", words.t("admin.code_sent"), request=request)


def _request_code(settings: Settings, pending: str, e164: str, address: str) -> SignIn:
    with session_scope() as session:
        return admin_auth.request_code(
            session=session,
            settings=settings,
            redis=get_redis(),
            pending=pending,
            e164=e164,
            address=address,
        )


async def code_page(request: Request) -> Response:
    if not isinstance(request.session.get("pending"), str):
        return _go("/admin/sign-in", request=request)
    return _render(request, "code.html")


async def enter_code(request: Request) -> Response:
    fields = await _checked_form(request)
    pending = request.session.get("pending")
    if not isinstance(pending, str):
        return _go("/admin/sign-in", request=request)
    code = "".join(ch for ch in ascii_digits(fields.get("code", "")[:20]) if ch in "0123456789")
    settings, words = _settings(request), catalog("en")
    try:
        check = await run_in_threadpool(_check_code, settings, pending, code, _address(request))
    except RedisError:
        return _render(request, "code.html", 503, error=words.t("admin.unavailable"))
    if check is None:
        return _too_many(request, "code.html")
    result, token = check
    if token is None:
        return _render(request, "code.html", 400, error=words.t(f"admin.{result.value}"))
    request.session.clear()  # a fresh session (and CSRF token) once signed in
    request.session["sid"] = token
    return _go("/admin/", request=request)


def _check_code(
    settings: Settings, pending: str, code: str, address: str
) -> tuple[CodeResult, str | None] | None:
    """Spend a try on a code and, when right, start a session; None when this address has
    tried too many codes."""
    redis = get_redis()
    if limits.screen_code_try(redis=redis, settings=settings, address=address) is not SignIn.ALLOW:
        log(logger, "admin_code_try_throttled")
        return None
    check = admin_auth.check_code(settings=settings, redis=redis, pending=pending, code=code)
    if check.result is not CodeResult.OK or check.coordinator_id is None:
        return check.result, None
    token = admin_auth.start_session(redis=redis, coordinator_id=check.coordinator_id)
    _audit(check.coordinator_id, "admin_signed_in")
    return check.result, token


async def sign_out(request: Request) -> Response:
    await _checked_form(request)
    token = request.session.get("sid")
    if isinstance(token, str):
        try:
            await run_in_threadpool(_end_session, token)
        except RedisError as exc:
            log(logger, "admin_sign_out_unrecorded", logging.WARNING, error=type(exc).__name__)
    request.session.clear()
    return _go("/admin/sign-in", catalog("en").t("admin.signed_out"), request=request)


def _end_session(token: str) -> None:
    redis = get_redis()
    staff_id = admin_auth.session_staff(redis=redis, token=token)
    admin_auth.end_session(redis=redis, token=token)
    if staff_id is not None:
        _audit(staff_id, "admin_signed_out")


def _audit(coordinator_id: int, action: str) -> None:
    with session_scope() as session:
        admin_auth.record_sign_in(session=session, coordinator_id=coordinator_id, action=action)


# Pages for signed-in staff ------------------------------------------------------------------


async def overview(request: Request) -> Response:
    from hotline.web.admin_pages import page
    from hotline.web.admin_staff import nobody_on_call

    return await page(
        request,
        "overview.html",
        lambda staff: {
            "overview": get_overview(session=staff.session, me=staff.me, now=staff.now),
            "nobody_on_call": nobody_on_call(session=staff.session, now=staff.now),
        },
    )


async def ack(request: Request) -> Response:
    return await _case_action(request, ack_from_dashboard)


async def done(request: Request) -> Response:
    return await _case_action(request, close_from_dashboard)


async def _case_action(request: Request, action: Callable[..., str]) -> Response:
    fields = await _checked_form(request)
    back = fields.get("next", "")
    case_id = int(request.path_params["case_id"])

    def run() -> str | None:
        with session_scope() as session:
            me = _signed_in(request, session)
            if me is None:
                return None
            return action(session=session, me=me, case_id=case_id, now=clock.now())

    note = await run_in_threadpool(run)
    if note is None:
        return _go("/admin/sign-in", request=request)
    return _go(back if back.startswith("/admin/cases") else "/admin/", note, request=request)


def mount(settings: Settings) -> Mount:
    """Return the /admin mount with its own session cookie, scoped to /admin."""
    # Imported here: the pages build on this module's sessions and forms.
    from hotline.web import (
        admin_blocklist,
        admin_broadcasts,
        admin_cases,
        admin_live,
        admin_meetings,
        admin_oncall,
        admin_pages,
        admin_reports,
        admin_staff,
    )

    routes = [
        *admin_blocklist.routes,
        *admin_cases.routes,
        *admin_meetings.routes,
        *admin_oncall.routes,
        *admin_broadcasts.routes,
        *admin_live.routes,
        *admin_reports.routes,
        Route("/language/{lang}", admin_pages.choose_language),
        Route("/", overview),
        Route("/sign-in", sign_in_page),
        Route("/sign-in", sign_in, methods=["POST"]),
        Route("/code", code_page),
        Route("/code", enter_code, methods=["POST"]),
        Route("/sign-out", sign_out, methods=["POST"]),
        Route(f"/cases/{{case_id:{ID}}}/ack", ack, methods=["POST"]),
        Route(f"/cases/{{case_id:{ID}}}/done", done, methods=["POST"]),
        *admin_staff.routes,
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="admin-static"),
    ]
    session = Middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="hotline_admin",
        max_age=admin_auth.SESSION_SECONDS,
        path="/admin",
        same_site="lax",
        https_only=settings.public_url.startswith("https://"),
    )
    return Mount("/admin", routes=routes, middleware=[Middleware(_SecurityHeaders), session])
