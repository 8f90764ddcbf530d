"""Publish the active meetings as a Meeting Guide JSON feed, the format `hotline import` reads.

A meeting on the line's own bridge is published as `conference_phone` = the line's number with
its code as one-tap digits (`+15550100000,,4821#`), so a smartphone dials straight in and
`hotline import` (here or on another line) reads it back as a hosted meeting with that code.
PINs are never published: a caller is asked for one when the meeting has it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hotline.flows.schedule import weekly_times
from hotline.models import Meeting, MeetingFormat

# Meeting Guide counts days from Sunday = 0; Python's weekday() from Monday = 0.
_FEED_DAY = {weekday: (weekday + 1) % 7 for weekday in range(7)}


def meeting_guide_feed(*, session: Session, line_number: str | None) -> list[dict[str, Any]]:
    """Return one Meeting Guide row per active meeting, ordered by slug.

    Hosted phone-bridge meetings are left out when the line has no number of its own to dial.
    """
    statement = (
        select(Meeting)
        .where(Meeting.active.is_(True))
        .options(selectinload(Meeting.group))
        .order_by(Meeting.slug)
    )
    rows = []
    for meeting in session.scalars(statement):
        if meeting.format == MeetingFormat.PHONE_BRIDGE.value and not line_number:
            continue
        rows.append(meeting_guide_row(meeting, line_number=line_number))
    return rows


def _days(meeting: Meeting) -> int | list[int]:
    """The spec's day, or its list of days for a meeting on several (one row, one code)."""
    days = [_FEED_DAY[weekday] for weekday, _start in weekly_times(meeting)]
    return days[0] if len(days) == 1 else days


def meeting_guide_row(meeting: Meeting, *, line_number: str | None) -> dict[str, Any]:
    """Describe one meeting as a Meeting Guide row (only the fields that have a value)."""
    row: dict[str, Any] = {
        "name": meeting.name,
        "slug": meeting.slug,
        "day": _days(meeting),
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": _end_time(meeting.start_time, meeting.duration_minutes),
        "timezone": meeting.time_zone,
        "types": list(meeting.types or []),
        "notes": meeting.notes,
        "location": meeting.location,
        "group": meeting.group.name,
        "group_notes": meeting.group.description,
        "updated": meeting.updated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        **_place(meeting),
        **_conference(meeting, line_number),
    }
    return {key: value for key, value in row.items() if value not in ("", None)}


def _end_time(start: dt.time, minutes: int) -> str:
    end = dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=minutes)
    return end.strftime("%H:%M")


def _place(meeting: Meeting) -> dict[str, Any]:
    if meeting.format == MeetingFormat.PHONE_BRIDGE.value:
        return {}  # nowhere to go: it is reached by phone
    return {
        "address": meeting.address,
        "city": meeting.city,
        "state": meeting.state,
        "postal_code": meeting.postal_code,
        "country": meeting.country,
        "latitude": meeting.latitude,
        "longitude": meeting.longitude,
    }


def _conference(meeting: Meeting, line_number: str | None) -> dict[str, Any]:
    if meeting.format == MeetingFormat.PHONE_BRIDGE.value:
        return {
            "conference_phone": f"{line_number},,{meeting.code}#",
            "conference_url": meeting.conference_url,
            "conference_phone_notes": meeting.conference_notes,
        }
    phone = meeting.conference_phone
    if phone and meeting.conference_digits:
        phone += meeting.conference_digits
    return {
        "conference_phone": phone,
        "conference_url": meeting.conference_url,
        "conference_phone_notes": meeting.conference_notes,
    }
