"""Who can be paged now: staff on call by their weekly shifts and ONCALL overrides, then admins."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import audit
from hotline.flows import rota
from hotline.models import Coordinator
from hotline.outbox import aware
from hotline.staff import is_admin, is_paged

ROTA = "oncall"


class Coverage(enum.StrEnum):
    """Who would hear of a case opened now: on-call staff, only the admins, or nobody."""

    OK = "ok"
    FALLBACK = "fallback"
    NONE = "none"


def active_staff(*, session: Session) -> Sequence[Coordinator]:
    """Every staff member not removed, by tier then id."""
    statement = (
        select(Coordinator)
        .where(Coordinator.removed_at.is_(None))
        .order_by(Coordinator.tier, Coordinator.id)
    )
    return session.scalars(statement).all()


def shifts_of(staff: Sequence[Coordinator], name: str = ROTA) -> list[rota.Shift]:
    return [
        rota.Shift(s.staff_id, s.weekday, s.start_time, s.minutes, s.time_zone, s.rota)
        for person in staff
        for s in person.shifts
        if s.rota == name
    ]


def _overrides(staff: Sequence[Coordinator]) -> list[rota.Override]:
    return [
        rota.Override(p.id, p.oncall, aware(p.oncall_until) if p.oncall_until else None)
        for p in staff
    ]


def on_call(
    *, session: Session, now: dt.datetime, exclude_contact_id: int | None = None
) -> list[Coordinator]:
    """Staff who are on call now and paged by their role, by tier then id."""
    staff = [p for p in active_staff(session=session) if p.contact_id != exclude_contact_id]
    on = rota.who_is_on(
        members=[p.id for p in staff], shifts=shifts_of(staff), overrides=_overrides(staff), at=now
    )
    return [p for p in staff if p.id in on and is_paged(p)]


def fallback(*, session: Session, exclude_contact_id: int | None = None) -> list[Coordinator]:
    """The last fallback when nobody is on call: every admin."""
    return [
        p
        for p in active_staff(session=session)
        if is_admin(p) and p.contact_id != exclude_contact_id
    ]


def coverage(
    *, session: Session, now: dt.datetime, exclude_contact_id: int | None = None
) -> Coverage:
    if on_call(session=session, now=now, exclude_contact_id=exclude_contact_id):
        return Coverage.OK
    if fallback(session=session, exclude_contact_id=exclude_contact_id):
        return Coverage.FALLBACK
    return Coverage.NONE


def next_shift(*, session: Session, now: dt.datetime) -> dt.datetime | None:
    """When the next on-call shift starts of someone paged by their role; None if none ever."""
    staff = [p for p in active_staff(session=session) if is_paged(p)]
    return rota.next_on_shift(shifts_of(staff), now)


def set_oncall(*, session: Session, staff: Coordinator, on: bool, now: dt.datetime) -> None:
    """ONCALL ON/OFF: holds until this person's schedule next changes (for ever without one)."""
    staff.oncall = on
    staff.oncall_until = rota.next_change(shifts_of([staff]), staff.id, now)
    audit.record(
        session=session,
        actor=f"coordinator:{staff.id}",
        action="oncall_on" if on else "oncall_off",
        subject_type="coordinator",
        subject_id=staff.id,
        until=staff.oncall_until.isoformat() if staff.oncall_until else None,
    )


@dataclass(frozen=True)
class OncallRow:
    """One line of `hotline staff oncall` and the dashboard's on-call table."""

    staff_id: int
    name: str
    role: str
    tier: int
    on_now: bool
    shifts: tuple[str, ...]
    override: str


def oncall_table(*, session: Session, now: dt.datetime) -> list[OncallRow]:
    staff = active_staff(session=session)
    on = {p.id for p in on_call(session=session, now=now)}
    rows = []
    for person in staff:
        until = aware(person.oncall_until) if person.oncall_until else None
        override = "" if person.shifts else _flag(person)
        if until is not None and now < until:
            override = f"{'on' if person.oncall else 'off'} until {until:%Y-%m-%d %H:%M} UTC"
        rows.append(
            OncallRow(
                staff_id=person.id,
                name=person.display_name,
                role=person.role,
                tier=person.tier,
                on_now=person.id in on,
                shifts=tuple(rota.describe_shift(s) for s in shifts_of([person])),
                override=override,
            )
        )
    return rows


def _flag(person: Coordinator) -> str:
    return "on (no shifts)" if person.oncall else "off (no shifts)"
