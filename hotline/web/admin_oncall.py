"""/admin/oncall: who would be paged now and in the next 7 days, tier by tier, and the rota.

Everything comes from the staff rota (hotline/oncall.py: weekly shifts, then ONCALL overrides),
the same answer an escalation pages by. Gaps (stretches with nobody of a tier on call) are shown
in red. Admins add and remove shifts and set anyone's override; others set their own override
(as texting ONCALL ON/OFF does). Each change is audited with who made it, through the same
functions `hotline staff oncall` uses (hotline/roster.py, hotline/oncall.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline import oncall, roster
from hotline.flows import rota
from hotline.models import Coordinator, StaffShift
from hotline.outbox import aware
from hotline.roster import RosterError
from hotline.staff import is_paged
from hotline.web.admin_access import can_handle_cases, is_admin
from hotline.web.admin_meetings import US_ZONES
from hotline.web.admin_pages import Staff, act, form_int, page
from hotline.web.ids import ID

BACK = "/admin/oncall"
DAYS = 7


@dataclass(frozen=True)
class Tier:
    tier: int
    names: list[str]


@dataclass(frozen=True)
class ShiftView:
    id: int
    label: str


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    tier: int
    on_now: bool
    shifts: list[ShiftView]
    override: str


@dataclass(frozen=True)
class TierPlan:
    tier: int
    people: list[PersonView]
    gaps: list[str]


def on_call_now(staff: Staff) -> list[Tier]:
    """The staff on call now, by escalation tier (1 is paged first)."""
    tiers: dict[int, list[str]] = {}
    for person in oncall.on_call(session=staff.session, now=staff.now):
        tiers.setdefault(person.tier, []).append(person.display_name)
    return [Tier(tier, sorted(names)) for tier, names in sorted(tiers.items())]


def _moment(staff: Staff, at: dt.datetime) -> str:
    local = at.astimezone(staff.zone)
    day = staff.words.t(f"dash.weekday.{local.weekday()}")
    return f"{day} {local:%Y-%m-%d %H:%M}"


def _span(staff: Staff, start: dt.datetime, end: dt.datetime) -> str:
    return staff.words.t("dash.oc_gap", start=_moment(staff, start), end=_moment(staff, end))


def _shift_label(staff: Staff, shift: StaffShift) -> str:
    begin = dt.datetime.combine(dt.date(2000, 1, 3), shift.start_time)
    end = (begin + dt.timedelta(minutes=shift.minutes)).time()
    day = staff.words.t(f"dash.weekday.{shift.weekday}")
    return f"{day} {shift.start_time:%H:%M}–{end:%H:%M} ({shift.time_zone})"


def _override(staff: Staff, person: Coordinator) -> str:
    until = aware(person.oncall_until) if person.oncall_until else None
    state = staff.words.t("dash.oc_state_on" if person.oncall else "dash.oc_state_off")
    if until is not None and staff.now < until:
        return staff.words.t("dash.oc_override_until", state=state, when=_moment(staff, until))
    if not person.shifts:
        return staff.words.t("dash.oc_override_no_shifts", state=state)
    return ""


def _plan(staff: Staff) -> list[TierPlan]:
    people = [p for p in oncall.active_staff(session=staff.session) if is_paged(p)]
    on = {p.id for p in oncall.on_call(session=staff.session, now=staff.now)}
    gaps = oncall.gaps(session=staff.session, now=staff.now, days=DAYS)
    plans = []
    for tier, stretches in gaps.items():
        views = [
            PersonView(
                id=p.id,
                name=p.display_name,
                tier=p.tier,
                on_now=p.id in on,
                shifts=[
                    ShiftView(row.id, _shift_label(staff, row))
                    for row in p.shifts
                    if row.rota == oncall.ROTA
                ],
                override=_override(staff, p),
            )
            for p in people
            if p.tier == tier
        ]
        spans = [_span(staff, gap.start, gap.end) for gap in stretches]
        plans.append(TierPlan(tier, views, spans))
    return plans


def _zones(staff: Staff) -> list[str]:
    mine = str(staff.zone)
    return [mine, *(z for z in US_ZONES if z != mine), *(["UTC"] if mine != "UTC" else [])]


def _load(staff: Staff) -> dict[str, Any]:
    if not can_handle_cases(staff.me):
        raise staff.forbid()
    tiers = on_call_now(staff)
    on = {person.id for person in oncall.on_call(session=staff.session, now=staff.now)}
    plans = _plan(staff)
    return {
        "tiers": tiers,
        "me_on": staff.me.id in on,
        "my_tier": staff.me.tier,
        "plans": plans,
        "days": DAYS,
        "may_edit": is_admin(staff.me),
        "me_id": staff.me.id,
        "people": [person for plan in plans for person in plan.people],
        "zones": _zones(staff),
    }


async def oncall_page(request: Request) -> Response:
    return await page(request, "oncall.html", _load)


def _paged_staff(staff: Staff, staff_id: int | None) -> Coordinator | None:
    person = staff.session.get(Coordinator, staff_id) if staff_id is not None else None
    if person is None or not is_paged(person):
        return None
    return person


def _actor(staff: Staff) -> str:
    return f"coordinator:{staff.me.id}"


def _add_shift(staff: Staff, fields: dict[str, str]) -> tuple[str, str | None]:
    if not is_admin(staff.me):
        raise staff.forbid()
    words = staff.words
    person = _paged_staff(staff, form_int(fields, "staff_id"))
    weekday = form_int(fields, "weekday")
    start, end = fields.get("start", "").strip()[:5], fields.get("end", "").strip()[:5]
    zone = fields.get("time_zone", "").strip()[:64]
    if person is None or weekday is None or not 0 <= weekday <= 6 or not _zone_ok(zone):
        return BACK, words.t("dash.oc_bad_shift")
    text = f"{rota.DAY_WORDS[weekday]} {start}-{end}"
    try:
        roster.add_shift(
            session=staff.session, staff=person, text=text, time_zone=zone, actor=_actor(staff)
        )
    except RosterError:
        return BACK, words.t("dash.oc_bad_shift")
    return BACK, words.t("dash.oc_shift_added", name=person.display_name)


def _zone_ok(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(zone)


def _remove_shift(staff: Staff, shift_id: int) -> tuple[str, str | None]:
    if not is_admin(staff.me):
        raise staff.forbid()
    for person in oncall.active_staff(session=staff.session):
        if any(s.id == shift_id for s in person.shifts):
            roster.remove_shift(
                session=staff.session, staff=person, shift_id=shift_id, actor=_actor(staff)
            )
            return BACK, staff.words.t("dash.oc_shift_removed", name=person.display_name)
    raise staff.missing()


def _set_override(staff: Staff, fields: dict[str, str]) -> tuple[str, str | None]:
    person = _paged_staff(staff, form_int(fields, "staff_id"))
    if person is None:
        return BACK, staff.words.t("dash.oc_bad_override")
    if person.id != staff.me.id and not is_admin(staff.me):
        raise staff.forbid()
    state = fields.get("state")
    if state not in ("on", "off"):
        return BACK, staff.words.t("dash.oc_bad_override")
    oncall.set_oncall(
        session=staff.session, staff=person, on=state == "on", now=staff.now, actor=_actor(staff)
    )
    staff.session.flush()
    return BACK, staff.words.t("dash.oc_override_set", name=person.display_name)


async def add_shift(request: Request) -> Response:
    return await act(request, _add_shift)


async def remove_shift(request: Request) -> Response:
    shift_id = int(request.path_params["shift_id"])
    return await act(request, lambda staff, _f: _remove_shift(staff, shift_id))


async def set_override(request: Request) -> Response:
    return await act(request, _set_override)


routes = [
    Route("/oncall", oncall_page),
    Route("/oncall/shifts", add_shift, methods=["POST"]),
    Route(f"/oncall/shifts/{{shift_id:{ID}}}/remove", remove_shift, methods=["POST"]),
    Route("/oncall/override", set_override, methods=["POST"]),
]
