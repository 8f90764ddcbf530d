"""What the dashboard shows and does: active cases, live meetings, recent broadcasts, ACK/DONE.

Only ids, levels, counts and staff names leave here: never a member's number, name or words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from hotline.cases import close_case, level_word, take_case
from hotline.catalogs import catalog
from hotline.jobs.broadcast import broadcast_progress, held_for_quiet_hours
from hotline.models import (
    ACTIVE_CASE_STATUSES,
    Broadcast,
    CaseStatus,
    Coordinator,
    Meeting,
    Room,
    SupportCase,
)
from hotline.outbox import aware
from hotline.rooms import live_head_count

RECENT_BROADCASTS = 10
_QUEUED = ("queued", "sending")
_FAILED = ("failed", "undelivered", "abandoned", "skipped")


@dataclass(frozen=True)
class CaseRow:
    id: int
    kind: str
    level: str
    tier: int
    status: str
    opened_minutes: int
    acked_by: str | None
    needs_review: bool
    can_ack: bool
    can_close: bool


@dataclass(frozen=True)
class LiveMeeting:
    code: str
    name: str
    head_count: int


@dataclass(frozen=True)
class BroadcastRow:
    id: int
    meeting_code: str | None
    status: str
    recipients: int
    created_minutes: int
    queued: int
    sent: int
    delivered: int
    failed: int
    held: int = 0  # rows quiet hours hold in the members' time zones
    held_until: dt.datetime | None = None  # when the last of them goes out


@dataclass(frozen=True)
class Overview:
    cases: list[CaseRow]
    meetings: list[LiveMeeting]
    broadcasts: list[BroadcastRow]


def get_overview(*, session: Session, me: Coordinator, now: dt.datetime) -> Overview:
    """Collect the overview page for one signed-in staff member."""
    return Overview(
        cases=_active_cases(session=session, me=me, now=now),
        meetings=_live_meetings(session=session),
        broadcasts=recent_broadcasts(session=session, now=now),
    )


def ack_from_dashboard(*, session: Session, me: Coordinator, case_id: int, now: dt.datetime) -> str:
    """Take a case as the SMS ACK does; return the note to show."""
    take_case(session=session, case_id=case_id, coordinator_id=me.id, now=now)
    case = session.get(SupportCase, case_id, populate_existing=True)
    return _refusal(session, me, case, case_id) or catalog("en").t("admin.acked", case_id=case_id)


def close_from_dashboard(
    *, session: Session, me: Coordinator, case_id: int, now: dt.datetime
) -> str:
    """Close a case as the SMS DONE does (holder or a coordinator); return the note to show."""
    words = catalog("en")
    case = session.get(SupportCase, case_id, with_for_update=True, populate_existing=True)
    if case is None or case.status == CaseStatus.CLOSED.value:
        return _refusal(session, me, case, case_id) or ""
    if not _may_close(me, case):
        return words.t("cases.not_yours", case_id=case_id, name=_holder_name(session, case))
    close_case(session=session, case=case, coordinator_id=me.id, now=now)
    return words.t("cases.done", case_id=case_id)


def _refusal(
    session: Session, me: Coordinator, case: SupportCase | None, case_id: int
) -> str | None:
    words = catalog("en")
    if case is None:
        return words.t("cases.unknown_case", case_id=case_id)
    if case.status == CaseStatus.CLOSED.value:
        return words.t("cases.closed", case_id=case_id)
    if case.acked_by_id not in (None, me.id):
        return words.t("cases.ack_taken", case_id=case_id, name=_holder_name(session, case))
    return None


def _may_close(me: Coordinator, case: SupportCase) -> bool:
    return case.acked_by_id in (None, me.id) or me.role == "coordinator"


def _holder_name(session: Session, case: SupportCase) -> str:
    holder = session.get(Coordinator, case.acked_by_id) if case.acked_by_id else None
    return holder.display_name if holder is not None else "?"


def _minutes_since(when: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((now - aware(when)).total_seconds() // 60))


def _active_cases(*, session: Session, me: Coordinator, now: dt.datetime) -> list[CaseRow]:
    statement = (
        select(SupportCase)
        .where(SupportCase.status.in_(ACTIVE_CASE_STATUSES))
        .order_by(SupportCase.opened_at)
    )
    return [
        CaseRow(
            id=case.id,
            kind=case.kind,
            level=level_word(language="en", level=case.level),
            tier=case.tier,
            status=case.status,
            opened_minutes=_minutes_since(case.opened_at, now),
            acked_by=_holder_name(session, case) if case.acked_by_id else None,
            needs_review=case.needs_review,
            can_ack=case.status == CaseStatus.OPEN.value,
            can_close=_may_close(me, case),
        )
        for case in session.scalars(statement)
    ]


def _live_meetings(*, session: Session) -> list[LiveMeeting]:
    # A subquery, not DISTINCT: PostgreSQL cannot compare the meetings' JSON columns.
    live = select(Room.meeting_id).where(
        Room.status != "ended", (Room.participants > 0) | (Room.status == "live")
    )
    statement = select(Meeting).where(Meeting.id.in_(live)).order_by(Meeting.code)
    return [
        LiveMeeting(
            code=meeting.code,
            name=meeting.name,
            head_count=live_head_count(session=session, meeting_id=meeting.id),
        )
        for meeting in session.scalars(statement)
    ]


def recent_broadcasts(
    *, session: Session, now: dt.datetime, where: ColumnElement[bool] | None = None
) -> list[BroadcastRow]:
    """The newest broadcasts (those `where` picks) with their progress."""
    statement = select(Broadcast).where(where if where is not None else true())
    rows = []
    for broadcast in session.scalars(
        statement.order_by(Broadcast.id.desc()).limit(RECENT_BROADCASTS)
    ):
        meeting = session.get(Meeting, broadcast.meeting_id) if broadcast.meeting_id else None
        progress = broadcast_progress(session=session, broadcast_id=broadcast.id)
        held, until = held_for_quiet_hours(session=session, broadcast_id=broadcast.id)
        rows.append(
            BroadcastRow(
                id=broadcast.id,
                meeting_code=meeting.code if meeting is not None else None,
                status=broadcast.status,
                recipients=broadcast.recipients,
                created_minutes=_minutes_since(broadcast.created_at, now),
                queued=sum(progress.get(status, 0) for status in _QUEUED),
                sent=progress.get("sent", 0),
                delivered=progress.get("delivered", 0),
                failed=sum(progress.get(status, 0) for status in _FAILED),
                held=held,
                held_until=until,
            )
        )
    return rows
