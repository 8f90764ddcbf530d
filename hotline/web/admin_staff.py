"""/admin/staff: the roster for admins (and coordinators, for their own groups), and on-call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline import clock, oncall, roster
from hotline.catalogs import catalog
from hotline.db import session_scope
from hotline.flows.catalog import Catalog
from hotline.flows.digits import as_int, ascii_digits
from hotline.models import Coordinator, Meeting
from hotline.roster import RosterError, StaffChange, StaffRow
from hotline.settings import Settings
from hotline.staff import (
    ROLES,
    Role,
    can_manage_staff,
    can_manage_staff_pages,
    can_see_staff,
    is_admin,
)
from hotline.web import admin


@dataclass(frozen=True)
class StaffPage:
    me_name: str
    staff: list[StaffRow]
    oncall: list[oncall.OncallRow]
    roles: tuple[str, ...]
    nobody_on_call: bool


def nobody_on_call(*, session: Session, now: dt.datetime) -> bool:
    """For the dashboard's red banner: would a case opened now reach nobody at all?"""
    return oncall.coverage(session=session, now=now) is oncall.Coverage.NONE


def get_staff_page(
    *, session: Session, settings: Settings, me: Coordinator, now: dt.datetime
) -> StaffPage:
    rows = roster.staff_with_contacts(session=session)
    visible = [(s, c) for s, c in rows if can_see_staff(me, s)]
    ids = {s.id for s, _ in visible}
    table = oncall.oncall_table(session=session, now=now)
    return StaffPage(
        me_name=me.display_name,
        staff=[roster.staff_row(s, c, settings) for s, c in visible],
        oncall=[row for row in table if row.staff_id in ids],
        roles=ROLES if is_admin(me) else (Role.RESPONDER.value, Role.VOLUNTEER.value),
        nobody_on_call=nobody_on_call(session=session, now=now),
    )


async def staff_page(request: Request) -> Response:
    settings = admin._settings(request)

    def load() -> StaffPage | None:
        with session_scope() as session:
            me = admin._signed_in(request, session)
            if me is None or not can_manage_staff_pages(me):
                return None
            return get_staff_page(session=session, settings=settings, me=me, now=clock.now())

    page = await run_in_threadpool(load)
    if page is None:
        return admin._go("/admin/", request=request)
    return admin._render(
        request, "staff.html", me_name=page.me_name, page=page, nobody_on_call=page.nobody_on_call
    )


async def add(request: Request) -> Response:
    fields = await admin._checked_form(request)
    change = _change(fields)
    return await _act(request, lambda session, me: _add(session, request, me, change))


async def edit(request: Request) -> Response:
    fields = await admin._checked_form(request)
    change = _change(fields)
    staff_id = int(request.path_params["staff_id"])
    return await _act(request, lambda session, me: _edit(session, request, me, staff_id, change))


async def remove(request: Request) -> Response:
    await admin._checked_form(request)
    staff_id = int(request.path_params["staff_id"])
    return await _act(request, lambda session, me: _remove(session, request, me, staff_id))


def _change(fields: dict[str, str]) -> StaffChange:
    def value(key: str) -> str | None:
        text = fields.get(key, "").strip()[:200]
        return text or None

    tier = value("tier")
    meetings = value("meetings")
    return StaffChange(
        name=value("name"),
        phone=value("phone"),
        role=value("role"),
        meetings=meetings.replace(",", " ").split() if meetings is not None else None,
        tier=as_int(ascii_digits(tier), max_digits=2) if tier is not None else None,
        language=value("language"),
    )


async def _act(request: Request, action: Callable[[Session, Coordinator], str]) -> Response:
    def run() -> str | None:
        with session_scope() as session:
            me = admin._signed_in(request, session)
            if me is None or not can_manage_staff_pages(me):
                return None
            try:
                return action(session, me)
            except RosterError as exc:
                session.rollback()
                return refusal(_words(request), exc)

    note = await run_in_threadpool(run)
    if note is None:
        return admin._go("/admin/", request=request)
    return admin._go("/admin/staff", note, request=request)


def _meetings(session: Session, codes: Sequence[str] | None) -> list[Meeting]:
    found = []
    for code in codes or []:
        meeting = session.scalars(select(Meeting).where(Meeting.code == code.lstrip("#"))).first()
        if meeting is None:
            raise RosterError(f"no meeting #{code}", key="no_meeting", code=code.lstrip("#"))
        found.append(meeting)
    return found


def _allowed(session: Session, me: Coordinator, role: str, change: StaffChange) -> None:
    if not can_manage_staff(me, role, _meetings(session, change.meetings)):
        raise RosterError(
            "You may add and change only responders and volunteers of your groups.", key="scope"
        )


def _add(session: Session, request: Request, me: Coordinator, change: StaffChange) -> str:
    _allowed(session, me, change.role or "", change)
    staff = roster.add_staff(
        session=session, settings=admin._settings(request), change=change, actor=_actor(me)
    )
    return _words(request).t("dash.st_added", id=staff.id)


def _edit(
    session: Session, request: Request, me: Coordinator, staff_id: int, change: StaffChange
) -> str:
    staff = _visible(session, me, staff_id)
    target = StaffChange(meetings=[m.code for m in staff.meetings])
    _allowed(session, me, staff.role, target)
    _allowed(session, me, change.role or staff.role, change if change.meetings else target)
    roster.edit_staff(
        session=session,
        settings=admin._settings(request),
        staff=staff,
        change=change,
        actor=_actor(me),
    )
    return _words(request).t("dash.st_changed", id=staff_id)


def _remove(session: Session, request: Request, me: Coordinator, staff_id: int) -> str:
    staff = _visible(session, me, staff_id)
    _allowed(session, me, staff.role, StaffChange(meetings=[m.code for m in staff.meetings]))
    roster.remove_staff(session=session, staff=staff, actor=_actor(me), now=clock.now())
    return _words(request).t("dash.st_removed", id=staff_id)


def _visible(session: Session, me: Coordinator, staff_id: int) -> Coordinator:
    staff = session.get(Coordinator, staff_id)
    if staff is None or staff.removed_at is not None or not can_see_staff(me, staff):
        raise RosterError(f"No staff member {staff_id}.")
    return staff


def refusal(words: Catalog, exc: RosterError) -> str:
    """The roster's refusal in the page's language (the CLI's English only for an unkeyed one)."""
    if not exc.key:
        return str(exc)
    return words.t(f"dash.roster.{exc.key}", **{k: str(v) for k, v in exc.params.items()})


def _words(request: Request) -> Catalog:
    return catalog(admin.page_language(request))


def _actor(me: Coordinator) -> str:
    return f"coordinator:{me.id}"


routes = [
    Route("/staff", staff_page),
    Route("/staff", add, methods=["POST"]),
    Route("/staff/{staff_id:int}/edit", edit, methods=["POST"]),
    Route("/staff/{staff_id:int}/remove", remove, methods=["POST"]),
]
