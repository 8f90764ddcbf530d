"""Due reminders: one outbox row per subscription × occurrence × lead time, whoever ticks.

A tick starts from the meetings, not the subscriptions. A reminder is due when its boundary
(an occurrence minus a lead time) is crossed, so each tick finds the boundaries crossed since
the last tick and writes a row for every live subscriber of those meetings; subscriptions
started since the last tick get their nearest reminder (someone who subscribes 30 minutes
before a meeting gets the one-hour reminder, not the day-before one as well). A minute with
nothing crossed reads the meetings and writes nothing.

The last tick's time is kept in Redis. A missed minute or a restart is caught up, as far
back as CATCH_UP; a lost Redis means one catch-up. The rows' unique dedupe keys and
INSERT … ON CONFLICT DO NOTHING make a repeated window, or two schedulers, harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import catalogs
from hotline import settings as settings_module
from hotline.db import session_scope
from hotline.flows import schedule
from hotline.flows.names import NAME_LIMITS, fit_names
from hotline.flows.schedule import next_occurrences, texted_when
from hotline.logs import log
from hotline.models import Contact, Group, Meeting, MeetingCancellation, Priority, Subscription
from hotline.outbox import call_values, enqueue_batches, insert_new, sms_values
from hotline.phone_index import PHONE_FORMATS
from hotline.queues import get_redis

logger = logging.getLogger(__name__)
WATERMARK_KEY = "hotline:reminders:last-tick"
# How far back a tick looks when the last tick is unknown or long ago (a reminder whose meeting
# has already started is never sent).
CATCH_UP = dt.timedelta(hours=24)
# Subscriptions that committed while the previous tick was reading are looked at again.
OVERLAP = dt.timedelta(minutes=2)
# Ids per IN (...) list: SQLite allows 32,766 parameters a statement.
_IN_CHUNK = 5000


@dataclass(frozen=True)
class WeeklyTime:
    """One weekly time of a meeting: a weekday and a wall-clock start in a time zone."""

    weekday: int
    start: dt.time
    time_zone: str


# Where a meeting's weekly times come from: these columns, read by weekly_times(). A meeting
# on several days keeps its first in `weekday` and the others in `more_weekdays`.
_TIME_COLUMNS = (Meeting.weekday, Meeting.more_weekdays, Meeting.start_time, Meeting.time_zone)


def weekly_times(row: Any) -> Iterator[WeeklyTime]:
    """Yield a meeting's weekly times from a row carrying _TIME_COLUMNS (or a Meeting)."""
    for weekday, start in schedule.weekly_times(row):
        yield WeeklyTime(weekday, start, row.time_zone)


@dataclass(frozen=True)
class Due:
    subscription_id: int
    contact_id: int
    channel: str
    language: str
    meeting: Meeting
    occurrence: dt.datetime
    lead: int
    viewer_zone: str | None = None  # the member's zone: a phone meeting is told in it

    @property
    def dedupe_key(self) -> str:
        return f"reminder:{self.subscription_id}:{self.occurrence:%Y%m%dT%H%MZ}:{self.lead}"


def tick(now: dt.datetime) -> int:
    """Create the reminders due at `now` (safe twice, or in two processes); return the count."""
    since = _last_tick(now)
    with session_scope() as session:
        due = find_due(session=session, since=since, now=now, default_leads=_default_leads())
        ids = insert_new(session=session, rows=[_row_values(item) for item in due])
        _enqueue(session, ids)
    _advance(now)
    if ids:
        log(logger, "reminders_created", count=len(ids))
    return len(ids)


def find_due(
    *, session: Session, since: dt.datetime, now: dt.datetime, default_leads: tuple[int, ...]
) -> list[Due]:
    """Return the reminders whose boundary fell in (since, now], and new subscribers' nearest."""
    cancelled = _cancellations(session, now)
    crossed = _crossed(session, since, now, default_leads, cancelled)
    crossed_ids = sorted({meeting_id for meeting_id, _ in crossed})
    members = [
        row
        for start in range(0, len(crossed_ids), _IN_CHUNK)
        for row in _members(
            session, Subscription.meeting_id.in_(crossed_ids[start : start + _IN_CHUNK])
        )
    ]
    fresh = _members(session, Subscription.created_at.between(since - OVERLAP, now))
    meetings = _meetings(session, {row.meeting_id for row in [*members, *fresh]})
    by_meeting: defaultdict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for (meeting_id, occurrence), lead in crossed.items():
        by_meeting[meeting_id].append((occurrence, lead))
    due: dict[str, Due] = {}
    for row in members:
        for occurrence, lead in by_meeting[row.meeting_id]:
            item = _due(row, meetings[row.meeting_id], occurrence, lead)
            due[item.dedupe_key] = item
    for row in fresh:
        meeting = meetings[row.meeting_id]
        nearest = _nearest(meeting, row.leads or default_leads, now, cancelled[meeting.id])
        if nearest is not None:
            item = _due(row, meeting, *nearest)
            due.setdefault(item.dedupe_key, item)
    return list(due.values())


def reminder_text(
    *,
    language: str,
    meeting: Meeting,
    occurrence: dt.datetime,
    viewer_zone: str | None = None,
) -> str:
    """Word a reminder text in one segment, shortening the meeting name if it must.

    A phone meeting's time is told in the member's zone (`viewer_zone`), an in-person one's in
    the meeting's, each with its zone named when the member may be elsewhere.
    """
    words = catalogs.catalog(language)
    when = texted_when(
        occurrence,
        meeting.time_zone,
        language,
        by_phone=meeting.format in PHONE_FORMATS,
        viewer_zone=viewer_zone,
    )
    return fit_names(
        lambda style: words.t(
            "outbound.reminder",
            name=style(meeting.name, meeting.code),
            code=meeting.code,
            when=when,
        ),
        words,
        segments=1,
        limits=NAME_LIMITS,
    )


# Boundaries ---------------------------------------------------------------------------------


def _crossed(
    session: Session,
    since: dt.datetime,
    now: dt.datetime,
    default_leads: tuple[int, ...],
    cancelled: defaultdict[int, set[dt.date]],
) -> dict[tuple[int, dt.datetime], int]:
    """Map (meeting, occurrence) to the shortest lead whose boundary fell in (since, now]."""
    statement = (
        select(Meeting.id, Group.reminder_lead_minutes, *_TIME_COLUMNS)
        .join(Group, Group.id == Meeting.group_id)
        .where(Meeting.active.is_(True))
    )
    starts: dict[tuple[WeeklyTime, dt.datetime], dt.datetime] = {}
    crossed: dict[tuple[int, dt.datetime], int] = {}
    for row in session.execute(statement):
        for time in weekly_times(row):
            for lead in row.reminder_lead_minutes or default_leads:
                after = since + dt.timedelta(minutes=lead)
                # Many meetings share a weekly time: each start is worked out once a tick.
                key = (time, after)
                if key not in starts:
                    starts[key] = _next_start(time, after)
                occurrence = starts[key]
                if not now < occurrence <= now + dt.timedelta(minutes=lead):
                    continue  # boundary not crossed yet, or the meeting has begun
                if _local_date(occurrence, time) in cancelled[row.id]:
                    continue
                previous = crossed.get((row.id, occurrence))
                crossed[(row.id, occurrence)] = lead if previous is None else min(previous, lead)
    return crossed


def _nearest(
    meeting: Meeting, leads: Iterable[int], now: dt.datetime, cancelled: set[dt.date]
) -> tuple[dt.datetime, int] | None:
    """The next occurrence and the shortest lead time already inside it, if any."""
    occurrence = min(
        next_occurrences(
            weekday=time.weekday,
            start=time.start,
            time_zone=time.time_zone,
            after=now,
            cancelled=cancelled,
        )[0]
        for time in weekly_times(meeting)
    )
    inside = [lead for lead in leads if occurrence - now <= dt.timedelta(minutes=lead)]
    return (occurrence, min(inside)) if inside else None


def _next_start(time: WeeklyTime, after: dt.datetime) -> dt.datetime:
    (start,) = next_occurrences(
        weekday=time.weekday, start=time.start, time_zone=time.time_zone, after=after
    )
    return start


def _local_date(when: dt.datetime, time: WeeklyTime) -> dt.date:
    return when.astimezone(ZoneInfo(time.time_zone)).date()


# Rows ---------------------------------------------------------------------------------------


def _members(session: Session, which: Any) -> list[Any]:
    """Live subscriptions (contact reachable, meeting active) matching `which`."""
    statement = (
        select(
            Subscription.id,
            Subscription.contact_id,
            Subscription.channel,
            Subscription.meeting_id,
            Contact.language,
            Contact.time_zone,
            Group.reminder_lead_minutes.label("leads"),
        )
        .join(Contact, Contact.id == Subscription.contact_id)
        .join(Meeting, Meeting.id == Subscription.meeting_id)
        .join(Group, Group.id == Meeting.group_id)
        .where(
            which,
            Subscription.ended_at.is_(None),
            Contact.opted_out_at.is_(None),
            Contact.invalid_at.is_(None),
            Meeting.active.is_(True),
        )
    )
    return list(session.execute(statement))


def _meetings(session: Session, ids: set[int]) -> dict[int, Meeting]:
    ordered = sorted(ids)
    found: dict[int, Meeting] = {}
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = ordered[start : start + _IN_CHUNK]
        found.update(
            (m.id, m) for m in session.scalars(select(Meeting).where(Meeting.id.in_(chunk)))
        )
    return found


def _due(row: Any, meeting: Meeting, occurrence: dt.datetime, lead: int) -> Due:
    due = (row.id, row.contact_id, row.channel, row.language, meeting, occurrence, lead)
    return Due(*due, viewer_zone=row.time_zone)


def _row_values(item: Due) -> dict[str, Any]:
    if item.channel == "voice":
        return call_values(
            contact_id=item.contact_id,
            call_path=f"outbound/reminder/{item.subscription_id}",
            purpose="reminder",
            priority=Priority.DEFAULT,
            dedupe_key=item.dedupe_key,
            **_refs(item),
        )
    body = reminder_text(
        language=item.language,
        meeting=item.meeting,
        occurrence=item.occurrence,
        viewer_zone=item.viewer_zone,
    )
    return sms_values(
        contact_id=item.contact_id,
        body=body,
        purpose="reminder",
        priority=Priority.DEFAULT,
        dedupe_key=item.dedupe_key,
        **_refs(item),
    )


def _refs(item: Due) -> dict[str, Any]:
    """What the row is about, as columns: the sender never parses the dedupe key back."""
    return {
        "subscription_id": item.subscription_id,
        "meeting_id": item.meeting.id,
        "occurs_at": item.occurrence,
    }


def _enqueue(session: Session, ids: list[int]) -> None:
    """Send new rows in batches after commit (a job per row would cost more than the tick)."""
    enqueue_batches(
        session, ids, queue=Priority.DEFAULT.value, job_id=lambda batch: f"reminders-{batch[0]}"
    )


def _cancellations(session: Session, now: dt.datetime) -> defaultdict[int, set[dt.date]]:
    found: defaultdict[int, set[dt.date]] = defaultdict(set)
    statement = select(MeetingCancellation.meeting_id, MeetingCancellation.occurs_on).where(
        MeetingCancellation.occurs_on >= (now - dt.timedelta(days=2)).date()
    )
    for meeting_id, occurs_on in session.execute(statement):
        found[meeting_id].add(occurs_on)
    return found


# The last tick ------------------------------------------------------------------------------

# Move the mark forward only: a slow scheduler finishing late never winds it back.
_ADVANCE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
"""


def _last_tick(now: dt.datetime) -> dt.datetime:
    """When the last tick ran, at most CATCH_UP ago; CATCH_UP ago when unknown."""
    earliest = now - CATCH_UP
    try:
        raw = get_redis().get(WATERMARK_KEY)
    except RedisError as exc:
        log(logger, "reminders_mark_unavailable", logging.WARNING, error=type(exc).__name__)
        return earliest
    if raw is None:
        return earliest
    return max(earliest, dt.datetime.fromtimestamp(float(raw), dt.UTC))


def _advance(now: dt.datetime) -> None:
    try:
        get_redis().eval(_ADVANCE, 1, WATERMARK_KEY, repr(now.timestamp()))
    except RedisError as exc:
        log(logger, "reminders_mark_unavailable", logging.WARNING, error=type(exc).__name__)


def _default_leads() -> tuple[int, ...]:
    return tuple(settings_module.get_settings().reminder_lead_minutes)
