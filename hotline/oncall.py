"""Who can be paged now: staff on call by their weekly shifts and ONCALL overrides, then admins."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
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


# Built once: building an ORM statement costs about what running it does.
_ACTIVE_STAFF = (
    select(Coordinator)
    .where(Coordinator.removed_at.is_(None))
    .order_by(Coordinator.tier, Coordinator.id)
)


def active_staff(*, session: Session) -> Sequence[Coordinator]:
    """Every staff member not removed, by tier then id."""
    return session.scalars(_ACTIVE_STAFF).all()


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
    *,
    session: Session,
    now: dt.datetime,
    exclude_contact_id: int | None = None,
    staff: Sequence[Coordinator] | None = None,
) -> list[Coordinator]:
    """Staff who are on call now and paged by their role, by tier then id.

    `staff`: active_staff already read in this session (read here when not given).
    """
    if staff is None:
        staff = active_staff(session=session)
    staff = [p for p in staff if p.contact_id != exclude_contact_id]
    on = rota.who_is_on(
        members=[p.id for p in staff], shifts=shifts_of(staff), overrides=_overrides(staff), at=now
    )
    return [p for p in staff if p.id in on and is_paged(p)]


def fallback(
    *,
    session: Session,
    exclude_contact_id: int | None = None,
    staff: Sequence[Coordinator] | None = None,
) -> list[Coordinator]:
    """The last fallback when nobody is on call: every admin."""
    if staff is None:
        staff = active_staff(session=session)
    return [p for p in staff if is_admin(p) and p.contact_id != exclude_contact_id]


def coverage(
    *,
    session: Session,
    now: dt.datetime,
    exclude_contact_id: int | None = None,
    staff: Sequence[Coordinator] | None = None,
) -> Coverage:
    """Who would hear of a case opened now (`staff`: active_staff, when already read)."""
    if staff is None:
        staff = active_staff(session=session)
    if on_call(session=session, now=now, exclude_contact_id=exclude_contact_id, staff=staff):
        return Coverage.OK
    if fallback(session=session, exclude_contact_id=exclude_contact_id, staff=staff):
        return Coverage.FALLBACK
    return Coverage.NONE


def next_shift(*, session: Session, now: dt.datetime) -> dt.datetime | None:
    """When the next on-call shift starts of someone paged by their role; None if none ever."""
    staff = [p for p in active_staff(session=session) if is_paged(p)]
    return rota.next_on_shift(shifts_of(staff), now)


def set_oncall(
    *, session: Session, staff: Coordinator, on: bool, now: dt.datetime, actor: str | None = None
) -> None:
    """ONCALL ON/OFF: holds until this person's schedule next changes (for ever without one).

    `actor` is who set it (an admin on the dashboard); by default the staff member themselves.
    """
    staff.oncall = on
    staff.oncall_until = rota.next_change(shifts_of([staff]), staff.id, now)
    audit.record(
        session=session,
        actor=actor or f"coordinator:{staff.id}",
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


@dataclass(frozen=True)
class Gap:
    """A stretch of time in which nobody of one tier would be paged."""

    tier: int
    start: dt.datetime
    end: dt.datetime


def gaps(*, session: Session, now: dt.datetime, days: int = 7) -> dict[int, list[Gap]]:
    """For each tier of paged staff, the stretches of the next `days` with nobody of it on call.

    Asks the rota itself (shifts, then overrides) at every instant the answer can change: each
    shift's start and end and each override's end, so it agrees with who an escalation pages.
    """
    staff = [p for p in active_staff(session=session) if is_paged(p)]
    end = now + dt.timedelta(days=days)
    shifts, overrides = shifts_of(staff), _overrides(staff)
    marks = {now, end}
    for shift in shifts:
        starts = rota.next_occurrences_of(shift, now - dt.timedelta(days=1), days // 7 + 2)
        for start in starts:
            marks.update((start, start + dt.timedelta(minutes=shift.minutes)))
    marks.update(o.until for o in overrides if o.until is not None)
    points = sorted(m for m in marks if now <= m <= end)
    found: dict[int, list[Gap]] = {tier: [] for tier in sorted({p.tier for p in staff})}
    for begin, finish in itertools.pairwise(points):
        on = rota.who_is_on(
            members=[p.id for p in staff], shifts=shifts, overrides=overrides, at=begin
        )
        for tier, stretches in found.items():
            if any(p.id in on for p in staff if p.tier == tier):
                continue
            if stretches and stretches[-1].end == begin:
                stretches[-1] = Gap(tier, stretches[-1].start, finish)
            else:
                stretches.append(Gap(tier, begin, finish))
    return found
