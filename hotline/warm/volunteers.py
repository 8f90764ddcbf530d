"""Warm-line volunteers: who is on shift now, by the same weekly rota as on-call, plus
AVAILABLE / AWAY / HELPING by text. Volunteers always take warm-line calls; a responder does
when they opt in, or for an hour after answering a surge call with HELPING.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import audit
from hotline.catalogs import catalog, languages
from hotline.flows import rota
from hotline.flows.warm import line as flow
from hotline.flows.warm import relay as relay_flow
from hotline.models import Coordinator, VolunteerProfile, WarmCall

__all__ = ["ROTA", "VolunteerProfile"]
from hotline.oncall import active_staff, on_call, shifts_of
from hotline.outbox import aware
from hotline.staff import Role

ROTA = "warm"


def profile_of(*, session: Session, staff: Coordinator) -> VolunteerProfile:
    """Return the staff member's warm-line profile, made on first use."""
    profile = session.get(VolunteerProfile, staff.id)
    if profile is None:
        profile = VolunteerProfile(staff_id=staff.id, languages="en", tags="", opted_in=False)
        session.add(profile)
        session.flush()
    return profile


def _profiles(session: Session, staff: Sequence[Coordinator]) -> dict[int, VolunteerProfile]:
    ids = [person.id for person in staff]
    rows = session.scalars(select(VolunteerProfile).where(VolunteerProfile.staff_id.in_(ids)))
    return {row.staff_id: row for row in rows}


def _overrides(profiles: dict[int, VolunteerProfile]) -> list[rota.Override]:
    return [
        rota.Override(p.staff_id, bool(p.available), _aware(p.available_until))
        for p in profiles.values()
        if p.available is not None
    ]


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    return aware(when) if when is not None else None


def on_shift(
    *, session: Session, now: dt.datetime, staff: Sequence[Coordinator] | None = None
) -> list[Coordinator]:
    """Staff taking warm-line calls and texts now, by tier then id.

    `staff`: active_staff already read in this session (read here when not given).
    """
    if staff is None:
        staff = active_staff(session=session)
    if not staff:
        return []
    profiles = _profiles(session, staff)
    members = [p for p in staff if p.role == Role.VOLUNTEER or p.id in profiles]
    on = rota.who_is_on(
        members=[p.id for p in members],
        shifts=shifts_of(members, ROTA),
        overrides=_overrides(profiles),
        at=now,
        rota=ROTA,
    )
    return [p for p in members if p.id in on]


def queue_view(
    *, session: Session, now: dt.datetime, staff: Sequence[Coordinator] | None = None
) -> list[flow.Volunteer]:
    """On-shift volunteers as the queue sees them: languages, and whether already on a call."""
    staff = on_shift(session=session, now=now, staff=staff)
    if not staff:
        return []
    profiles = _profiles(session, staff)
    busy = set(
        session.scalars(
            select(WarmCall.taken_by_id).where(
                WarmCall.status == flow.BRIDGED, WarmCall.ended_at.is_(None)
            )
        )
    )
    return [
        flow.Volunteer(
            person.id,
            _languages(profiles.get(person.id)),
            busy=person.id in busy,
            tags=tags_of(profiles.get(person.id)),
        )
        for person in staff
    ]


def tags_of(profile: VolunteerProfile | None) -> frozenset[str]:
    """A profile's tags ("veterans, youth"), lower-cased."""
    if profile is None:
        return frozenset()
    return frozenset(part.strip().lower() for part in profile.tags.split(",") if part.strip())


@functools.cache
def tag_vocabulary() -> dict[str, str]:
    """Every word, in every catalog language, for a tag a caller or texter may ask for."""
    return relay_flow.tag_vocabulary(catalog(language) for language in languages())


def tag_name(tag: str, language: str, *, spoken: bool = False) -> str:
    """How a tag reads ("veteran") or is said ("L G B T Q") in a language."""
    words = catalog(language)
    key = f"warm.tags.{tag}.{'spoken' if spoken else 'name'}"
    return words.t(key) if words.has(key) else tag


def _languages(profile: VolunteerProfile | None) -> frozenset[str]:
    if profile is None or not profile.languages.strip():
        return frozenset({"en"})
    return frozenset(part.strip() for part in profile.languages.split(",") if part.strip())


def opens_next(
    *, session: Session, now: dt.datetime, staff: Sequence[Coordinator] | None = None
) -> tuple[dt.datetime, str] | None:
    """When (and in which zone) the next warm-line shift starts; None when none is scheduled."""
    if staff is None:
        staff = active_staff(session=session)
    starts = [
        (when, shift.time_zone)
        for shift in shifts_of(staff, ROTA)
        if (when := rota.next_on_shift([shift], now, ROTA)) is not None
    ]
    return min(starts, default=None)


def set_available(
    *, session: Session, staff: Coordinator, on: bool, now: dt.datetime, hours: float | None = None
) -> dt.datetime | None:
    """AVAILABLE / AWAY (until the schedule next changes), or HELPING for `hours`."""
    profile = profile_of(session=session, staff=staff)
    profile.available = on
    if hours is not None:
        profile.available_until = now + dt.timedelta(hours=hours)
    else:
        profile.available_until = rota.next_change(shifts_of([staff], ROTA), staff.id, now)
    audit.record(
        session=session,
        actor=f"coordinator:{staff.id}",
        action="warm_available" if on else "warm_away",
        subject_type="coordinator",
        subject_id=staff.id,
        until=profile.available_until.isoformat() if profile.available_until else None,
    )
    return profile.available_until


def surge_helpers(*, session: Session, now: dt.datetime) -> list[Coordinator]:
    """On-call responders who are not taking warm-line calls now: the ones a surge asks."""
    taking = {person.id for person in on_shift(session=session, now=now)}
    return [p for p in on_call(session=session, now=now) if p.id not in taking]
