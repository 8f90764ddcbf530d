"""Due reminders: one outbox row per subscription × occurrence × lead time, whoever ticks."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import catalogs
from hotline import settings as settings_module
from hotline.db import session_scope
from hotline.flows.schedule import local_label, next_starts, weekly_times
from hotline.flows.segments import count_segments
from hotline.logs import log
from hotline.models import Contact, Group, Meeting, MeetingCancellation, Priority, Subscription
from hotline.outbox import call_values, enqueue_ids, insert_new, sms_values

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    subscription_id: int
    contact_id: int
    channel: str
    language: str
    meeting: Meeting
    occurrence: dt.datetime
    lead: int

    @property
    def dedupe_key(self) -> str:
        return f"reminder:{self.subscription_id}:{self.occurrence:%Y%m%dT%H%MZ}:{self.lead}"


def tick(now: dt.datetime) -> int:
    """Create the reminders due at `now` (safe twice, or in two processes); return the count."""
    with session_scope() as session:
        due = find_due(session=session, now=now, default_leads=_default_leads())
        rows = [_row_values(item) for item in due]
        ids = insert_new(session=session, rows=rows)
        enqueue_ids(session, ids, Priority.DEFAULT.value)
    if ids:
        log(logger, "reminders_created", count=len(ids))
    return len(ids)


def find_due(*, session: Session, now: dt.datetime, default_leads: tuple[int, ...]) -> list[Due]:
    """Return, per live subscription, the shortest lead time now inside for its next occurrence.

    Only the shortest is taken, so someone who subscribes 30 minutes before a meeting gets the
    one-hour reminder and not the day-before one as well.
    """
    statement = (
        select(Subscription, Contact.language, Meeting, Group.reminder_lead_minutes)
        .join(Contact, Contact.id == Subscription.contact_id)
        .join(Meeting, Meeting.id == Subscription.meeting_id)
        .join(Group, Group.id == Meeting.group_id)
        .where(
            Subscription.ended_at.is_(None),
            Contact.opted_out_at.is_(None),
            Contact.invalid_at.is_(None),
            Meeting.active.is_(True),
        )
    )
    rows = session.execute(statement).all()
    cancelled = _cancellations(session, {meeting.id for _, _, meeting, _ in rows}, now)
    starts: dict[int, dt.datetime] = {}
    due: list[Due] = []
    for sub, language, meeting, group_leads in rows:
        if meeting.id not in starts:
            (starts[meeting.id],) = next_starts(
                times=weekly_times(meeting),
                time_zone=meeting.time_zone,
                after=now,
                cancelled=cancelled[meeting.id],
            )
        until = starts[meeting.id] - now
        inside = [lead for lead in (group_leads or default_leads) if until <= _minutes(lead)]
        if inside:
            due.append(
                Due(
                    sub.id,
                    sub.contact_id,
                    sub.channel,
                    language,
                    meeting,
                    starts[meeting.id],
                    min(inside),
                )
            )
    return due


def reminder_text(*, language: str, meeting: Meeting, occurrence: dt.datetime) -> str:
    """Word a reminder text in one segment, trimming the meeting name if it must."""
    words = catalogs.catalog(language)
    when = local_label(occurrence, meeting.time_zone, language)
    text = ""
    for cut in range(len(meeting.name), 7, -4):
        name = meeting.name if cut == len(meeting.name) else meeting.name[:cut].rstrip() + "..."
        text = words.t("outbound.reminder", name=name, code=meeting.code, when=when)
        if count_segments(text).segments <= 1:
            break
    return text


def _row_values(item: Due) -> dict[str, Any]:
    if item.channel == "voice":
        return call_values(
            contact_id=item.contact_id,
            call_path=f"outbound/reminder/{item.subscription_id}",
            purpose="reminder",
            priority=Priority.DEFAULT,
            dedupe_key=item.dedupe_key,
        )
    body = reminder_text(language=item.language, meeting=item.meeting, occurrence=item.occurrence)
    return sms_values(
        contact_id=item.contact_id,
        body=body,
        purpose="reminder",
        priority=Priority.DEFAULT,
        dedupe_key=item.dedupe_key,
    )


def _cancellations(
    session: Session, meeting_ids: set[int], now: dt.datetime
) -> defaultdict[int, set[dt.date]]:
    found: defaultdict[int, set[dt.date]] = defaultdict(set)
    if meeting_ids:
        statement = select(MeetingCancellation.meeting_id, MeetingCancellation.occurs_on).where(
            MeetingCancellation.meeting_id.in_(meeting_ids),
            MeetingCancellation.occurs_on >= (now - dt.timedelta(days=2)).date(),
        )
        for meeting_id, occurs_on in session.execute(statement):
            found[meeting_id].add(occurs_on)
    return found


def _minutes(lead: int) -> dt.timedelta:
    return dt.timedelta(minutes=lead)


def _default_leads() -> tuple[int, ...]:
    return tuple(settings_module.get_settings().reminder_lead_minutes)
