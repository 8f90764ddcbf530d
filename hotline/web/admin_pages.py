"""The frame every signed-in dashboard page shares: who is signed in, in which language.

Pages hand a loader (the staff member in, the template's values out) to `page` or `fragment`;
forms hand an action to `act`, which checks the CSRF token before anything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hotline import audit, clock
from hotline.catalogs import catalog
from hotline.db import session_scope
from hotline.flows.catalog import Catalog
from hotline.flows.digits import as_int
from hotline.models import Contact, Coordinator
from hotline.settings import Settings
from hotline.web import admin
from hotline.web.admin_access import can_handle_cases, can_manage_staff, is_admin, runs_meetings


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member, with what every page needs to answer them."""

    session: Session
    me: Coordinator
    words: Catalog
    zone: ZoneInfo
    now: dt.datetime
    settings: Settings

    def when(self, at: dt.datetime | None) -> str:
        """Show a time in the staff member's zone: "14:05" today, else "Mon 3 Mar 14:05"."""
        if at is None:
            return ""
        local = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(self.zone)
        if local.date() == self.now.astimezone(self.zone).date():
            return local.strftime("%H:%M")
        return local.strftime("%Y-%m-%d %H:%M")

    def forbid(self) -> HTTPException:
        return HTTPException(status_code=403, detail=self.words.t("dash.forbidden"))

    def audit(self, action: str, subject_type: str, subject_id: int, **detail: object) -> None:
        """Record what this staff member did from the dashboard in the audit trail."""
        audit.record(
            session=self.session,
            actor=f"coordinator:{self.me.id}",
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            via="dashboard",
            **detail,
        )

    def missing(self) -> HTTPException:
        return HTTPException(status_code=404, detail=self.words.t("dash.not_found"))


@dataclass(frozen=True)
class Render:
    """An action's answer when the form must come back (refused input), instead of a redirect."""

    template: str
    context: dict[str, Any]
    status_code: int = 400


T = TypeVar("T")
Loader = Callable[[Staff], dict[str, Any]]
# An action returns where to go next and the note to show there, or a page to show again.
Action = Callable[[Staff, dict[str, str]], "tuple[str, str | None] | Render"]


class _SignedOut(Exception):
    pass


def _with_staff(request: Request, run: Callable[[Staff], Any]) -> Any:
    with session_scope() as session:
        me = admin._signed_in(request, session)
        if me is None:
            raise _SignedOut
        contact = session.get(Contact, me.contact_id)
        language = admin.page_language(request, contact.language if contact else None)
        staff = Staff(
            session=session,
            me=me,
            words=catalog(language),
            zone=_zone(contact.time_zone if contact else None),
            now=clock.now(),
            settings=admin._settings(request),
        )
        return run(staff)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _frame(staff: Staff) -> dict[str, Any]:
    me = staff.me
    return {
        "me_name": me.display_name,
        "lang": staff.words.language,
        "t": staff.words.t,
        "when": staff.when,
        "nav": {
            "cases": can_handle_cases(me),
            "meetings": runs_meetings(me),
            "admin": is_admin(me),
            "staff": can_manage_staff(me),
        },
    }


async def page(request: Request, template: str, load: Loader, status_code: int = 200) -> Response:
    """Render a signed-in page, or send a signed-out visitor to the sign-in page."""
    try:
        context = await run_in_threadpool(
            _with_staff, request, lambda staff: {**_frame(staff), **load(staff)}
        )
    except _SignedOut:
        return admin._go("/admin/sign-in", request=request)
    return admin._render(request, template, status_code, **context)


async def fragment(request: Request, template: str, load: Loader) -> Response:
    """Render part of a page for the page's own refresh; 401 once the session has gone."""
    try:
        context = await run_in_threadpool(
            _with_staff, request, lambda staff: {**_frame(staff), **load(staff)}
        )
    except _SignedOut:
        return Response(status_code=401)
    return admin._render(request, template, **context)


async def run_as_staff(request: Request, run: Callable[[Staff], T]) -> T | None:
    """Run as the signed-in staff member (for answers that are not pages); None if signed out."""
    try:
        result: T = await run_in_threadpool(_with_staff, request, run)
    except _SignedOut:
        return None
    return result


async def act(request: Request, run: Action) -> Response:
    """Check the form's CSRF token, run the action as the signed-in staff, then redirect."""
    fields = await admin._checked_form(request)

    def answer(staff: Staff) -> tuple[str, str | None] | Render:
        result = run(staff, fields)
        if isinstance(result, Render):
            return Render(result.template, {**_frame(staff), **result.context}, result.status_code)
        return result

    try:
        result = await run_in_threadpool(_with_staff, request, answer)
    except _SignedOut:
        return admin._go("/admin/sign-in", request=request)
    if isinstance(result, Render):
        return admin._render(request, result.template, result.status_code, **result.context)
    where, note = result
    return admin._go(where, note, request=request)


async def choose_language(request: Request) -> Response:
    """Switch the dashboard's language for this session, and go back where the link was."""
    language = request.path_params["lang"]
    if language in admin.LANGUAGES:
        request.session["lang"] = language
    back = request.query_params.get("next", "/admin/")
    return admin._go(back if _is_dashboard_path(back) else "/admin/", request=request)


def _is_dashboard_path(path: str) -> bool:
    # Only our own pages: never "//elsewhere" or "/admin/../x".
    return path.startswith("/admin/") and "//" not in path and ".." not in path and len(path) < 200


def form_int(fields: dict[str, str], key: str, default: int | None = None) -> int | None:
    """Read a small whole number from a form; None (or the default) when it is not one."""
    value = fields.get(key, "").strip()
    found = as_int(value, max_digits=8)
    return default if found is None else found
