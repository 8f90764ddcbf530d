"""Warm-line people for tests: volunteers with a shift around a fixed instant, and their texts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hotline.db import session_scope
from hotline.models import Coordinator, OutboxMessage, StaffShift, VolunteerProfile
from hotline.settings import Settings
from tests.people import add_contact, add_staff

# Tuesday 10 March 2026, 19:00 UTC: inside the volunteers' "tue 18:00-22:00 UTC" shift.
ON_SHIFT = dt.datetime(2026, 3, 10, 19, 0, tzinfo=dt.UTC)
# The same Tuesday at 23:30: after the shift; the next one starts Wednesday 18:00.
OFF_SHIFT = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)


def add_volunteer(
    settings: Settings,
    number: str,
    *,
    name: str = "Volunteer",
    languages: str = "en",
    role: str = "volunteer",
    days: tuple[int, ...] = (1, 2),
    tags: str = "",
) -> int:
    """A volunteer with warm-line shifts 18:00-22:00 UTC on `days` (Tuesday, Wednesday)."""
    staff_id = add_staff(settings, number, role, name=name)
    with session_scope() as session:
        staff = session.get(Coordinator, staff_id)
        assert staff is not None
        for day in days:
            staff.shifts.append(
                StaffShift(
                    rota="warm", weekday=day, start_time=dt.time(18), minutes=240, time_zone="UTC"
                )
            )
        session.add(
            VolunteerProfile(staff_id=staff_id, languages=languages, tags=tags, opted_in=True)
        )
    return staff_id


def texts_to(settings: Settings, number: str, purpose: str | None = None) -> list[str]:
    """Bodies of the texts the line queued for a number, oldest first."""
    contact_id = add_contact(settings, number)
    with session_scope() as session:
        statement = select(OutboxMessage.body).where(
            OutboxMessage.contact_id == contact_id, OutboxMessage.kind == "sms"
        )
        if purpose is not None:
            statement = statement.where(OutboxMessage.purpose == purpose)
        return [body or "" for body in session.scalars(statement.order_by(OutboxMessage.id))]


def calls_to(settings: Settings, number: str) -> list[str]:
    """Call paths of the calls the line queued for a number, oldest first."""
    contact_id = add_contact(settings, number)
    with session_scope() as session:
        statement = select(OutboxMessage.call_path).where(
            OutboxMessage.contact_id == contact_id, OutboxMessage.kind == "call"
        )
        return [path or "" for path in session.scalars(statement.order_by(OutboxMessage.id))]
