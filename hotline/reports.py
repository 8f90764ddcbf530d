"""How the line is used over a period: counts, unmet demand by area, meetings, cases, timings.

Every figure is a count or a duration: nothing here can name a member. Each table is plain
rows so the dashboard can draw it, chart it and hand it out as CSV alike.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from hotline.flows.digits import is_number
from hotline.models import (
    AuditEvent,
    Call,
    Contact,
    FindOutcome,
    InboundMessage,
    Meeting,
    OutboxMessage,
    Room,
    RoomParticipant,
    Subscription,
    SupportCase,
)
from hotline.warm.stats import warm_report

SENT = ("sent", "delivered")


@dataclass(frozen=True)
class Period:
    """Whole local days, first to last inclusive, in one time zone."""

    first: dt.date
    last: dt.date
    zone: ZoneInfo

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), self.zone).astimezone(dt.UTC)

    @property
    def end(self) -> dt.datetime:
        after = self.last + dt.timedelta(days=1)
        return dt.datetime.combine(after, dt.time(), self.zone).astimezone(dt.UTC)

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass
class Table:
    """One report table: a name (its CSV file), column keys and rows of plain values."""

    name: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _between(column: InstrumentedAttribute[Any], period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end - dt.timedelta(microseconds=1))


def activity(*, session: Session, period: Period) -> Table:
    """Texts and calls in, finds and finds with no group near, per day."""
    series: dict[str, tuple[InstrumentedAttribute[Any], list[ColumnElement[bool]]]] = {
        "texts_in": (InboundMessage.received_at, []),
        "calls_in": (Call.started_at, [Call.direction == "inbound"]),
        "finds": (FindOutcome.at, []),
        "finds_no_group": (FindOutcome.at, [FindOutcome.local_found.is_(False)]),
    }
    counts = {
        key: _count_by_day(session, column, period, where)
        for key, (column, where) in series.items()
    }
    table = Table("activity", ["day", *series])
    for index, day in enumerate(period.days()):
        table.rows.append([day.isoformat(), *(counts[key].get(index, 0) for key in series)])
    return table


def _count_by_day(
    session: Session,
    column: InstrumentedAttribute[Any],
    period: Period,
    where: list[ColumnElement[bool]],
) -> dict[int, int]:
    """Count rows per local day in the database (one CASE over the day boundaries), not here."""
    days = period.days()
    ends = [
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), period.zone).astimezone(dt.UTC)
        for day in days
    ]
    bucket = case(*((column < end, index) for index, end in enumerate(ends)), else_=-1)
    statement = (
        select(bucket, func.count()).where(_between(column, period), *where).group_by(bucket)
    )
    return {int(index): int(count) for index, count in session.execute(statement)}


def unmet_demand(*, session: Session, period: Period) -> Table:
    """Finds per ZIP area (first 3 digits), and how many found no group within the radius."""
    statement = (
        select(FindOutcome.zip3, FindOutcome.local_found, func.count())
        .where(_between(FindOutcome.at, period), FindOutcome.zip3.is_not(None))
        .group_by(FindOutcome.zip3, FindOutcome.local_found)
    )
    finds: Counter[str] = Counter()
    unmet: Counter[str] = Counter()
    for zip3, local_found, count in session.execute(statement):
        if zip3 is None:
            continue
        finds[zip3] += int(count)
        unmet[zip3] += 0 if local_found else int(count)
    table = Table("areas", ["zip3", "finds", "finds_no_group"])
    for zip3 in sorted(finds, key=lambda area: (-unmet[area], -finds[area], area)):
        table.rows.append([zip3, finds[zip3], unmet[zip3]])
    return table


def meetings(
    *, session: Session, period: Period, scope: ColumnElement[bool] | None = None
) -> Table:
    """Joins and minutes on the bridge, and reminders sent and delivered, per meeting."""
    chosen = list(
        session.execute(
            select(Meeting.id, Meeting.code, Meeting.name)
            .where(scope if scope is not None else true())
            .order_by(Meeting.code)
        )
    )
    ids = {meeting_id for meeting_id, _, _ in chosen}
    joins: Counter[int] = Counter()
    minutes: Counter[int] = Counter()
    leg = select(Room.meeting_id, RoomParticipant.joined_at, RoomParticipant.left_at).join(
        Room, Room.id == RoomParticipant.room_id
    )
    for meeting_id, joined, left in session.execute(
        leg.where(_between(RoomParticipant.joined_at, period))
    ):
        joins[meeting_id] += 1
        if left is not None:
            minutes[meeting_id] += max(0, int((_aware(left) - _aware(joined)).total_seconds()))
    sent, delivered = _reminders_by_meeting(session, period)
    table = Table(
        "meetings", ["code", "name", "joins", "minutes", "reminders_sent", "reminders_delivered"]
    )
    for meeting_id, code, name in chosen:
        if meeting_id in ids:
            table.rows.append(
                [
                    code,
                    name,
                    joins[meeting_id],
                    round(minutes[meeting_id] / 60),
                    sent[meeting_id],
                    delivered[meeting_id],
                ]
            )
    return table


def _reminders_by_meeting(session: Session, period: Period) -> tuple[Counter[int], Counter[int]]:
    """Reminders sent and delivered per meeting: by the row's meeting, or for a row queued before
    0012_outbox_refs, by the subscription named in its "reminder:<sub>:..." dedupe key."""
    statement = select(
        OutboxMessage.meeting_id, OutboxMessage.dedupe_key, OutboxMessage.status
    ).where(OutboxMessage.purpose == "reminder", _between(OutboxMessage.created_at, period))
    rows = list(session.execute(statement))
    keyed = {sub for meeting_id, key, _ in rows if meeting_id is None and (sub := _keyed(key))}
    meeting_of = {
        subscription_id: meeting_id
        for subscription_id, meeting_id in session.execute(
            select(Subscription.id, Subscription.meeting_id).where(Subscription.id.in_(keyed))
        )
    }
    sent: Counter[int] = Counter()
    delivered: Counter[int] = Counter()
    for meeting_id, key, status in rows:
        if meeting_id is None and (sub := _keyed(key)):
            meeting_id = meeting_of.get(sub)
        if meeting_id is None:
            continue
        sent[meeting_id] += status in SENT
        delivered[meeting_id] += status == "delivered"
    return sent, delivered


def _keyed(key: str | None) -> int | None:
    parts = (key or "").split(":")
    return int(parts[1]) if len(parts) > 1 and is_number(parts[1]) else None


def cases(*, session: Session, period: Period) -> Table:
    """Support cases opened in the period, by kind and level."""
    statement = select(SupportCase.kind, SupportCase.level).where(
        _between(SupportCase.opened_at, period)
    )
    counted = Counter(tuple(row) for row in session.execute(statement))
    table = Table("cases", ["kind", "level", "cases"])
    for (kind, level), count in sorted(counted.items()):
        table.rows.append([kind, level, count])
    return table


def timings(*, session: Session, period: Period) -> Table:
    """Median and 90th percentile minutes from a case's opening to its first page and its ACK."""
    opened = {
        case_id: at
        for case_id, at in session.execute(
            select(SupportCase.id, SupportCase.opened_at).where(
                _between(SupportCase.opened_at, period)
            )
        )
    }
    first_page: dict[int, dt.datetime] = {}
    pages = select(AuditEvent.subject_id, AuditEvent.at).where(
        AuditEvent.action == "escalated",
        AuditEvent.subject_type == "case",
        AuditEvent.subject_id.in_(opened),
    )
    for case_id, at in session.execute(pages.order_by(AuditEvent.at)):
        if case_id is not None:
            first_page.setdefault(case_id, at)
    acks = session.execute(
        select(SupportCase.id, SupportCase.acked_at).where(
            SupportCase.id.in_(opened), SupportCase.acked_at.is_not(None)
        )
    )
    table = Table("timings", ["measure", "cases", "median_minutes", "p90_minutes"])
    for measure, times in (("first_page", first_page.items()), ("ack", acks)):
        waits = _minutes_after(opened, times)
        table.rows.append([measure, len(waits), _median(waits), _p90(waits)])
    return table


def _minutes_after(
    opened: dict[int, dt.datetime], times: Iterable[tuple[int, dt.datetime | None]]
) -> list[float]:
    return [
        max(0.0, (_aware(at) - _aware(opened[case_id])).total_seconds() / 60)
        for case_id, at in times
        if at is not None and case_id in opened
    ]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _p90(values: list[float]) -> float | None:
    """The nearest-rank 90th percentile: the smallest value at least 90% of values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 1)


def opt_outs(*, session: Session, period: Period, scope: ColumnElement[bool] | None = None) -> int:
    """Numbers that opted out in the period (and have not opted back in).

    With a scope of meetings: only those who had joined one of them (by text) first.
    """
    statement = select(Contact.id).where(_between(Contact.opted_out_at, period))
    if scope is not None:
        members = select(Subscription.contact_id).join(
            Meeting, Meeting.id == Subscription.meeting_id
        )
        statement = statement.where(Contact.id.in_(members.where(scope)))
    return len(session.scalars(statement).all())


WARM_COLUMNS = (
    "waited",
    "answered",
    "abandoned",
    "to_voicemail",
    "to_crisis",
    "still_waiting",
    "median_wait_seconds",
    "voicemails",
)


def warm(*, session: Session, period: Period) -> Table:
    """The warm line's callers in the period: answered, waited, abandoned, the median wait."""
    report = warm_report(session=session, since=period.start, until=period.end)
    median = report.median_wait_seconds
    table = Table("warm", list(WARM_COLUMNS))
    table.rows.append(
        [
            sum(report.calls.values()),  # every caller entered the queue
            report.answered,
            report.abandoned,
            report.calls["voicemail"],
            report.calls["crisis"],
            report.calls["waiting"],
            None if median is None else round(median),
            report.voicemails,
        ]
    )
    return table
