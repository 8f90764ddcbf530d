"""Support cases: a person who needs a human, and the trail of who answered."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, select, update
from sqlalchemy.orm import Session

from hotline import audit, clock
from hotline.catalogs import catalog
from hotline.crisis import caring
from hotline.flows.sms.coordinator import is_higher_level
from hotline.jobs.names import ESCALATE_JOB
from hotline.logs import log
from hotline.models import (
    ACTIVE_CASE_STATUSES,
    CaseStatus,
    Contact,
    Coordinator,
    Priority,
    SupportCase,
)
from hotline.outbox import queue_sms
from hotline.queues import enqueue_after_commit
from hotline.settings import get_settings

logger = logging.getLogger(__name__)


def open_support_case(
    *,
    session: Session,
    contact_id: int,
    kind: str,
    level: str,
    source: str,
    danger: str | None = None,
) -> SupportCase:
    """Open a case (crisis or talk), or return the active one; escalation starts after commit.

    `danger`, the kind of danger the text or call showed, when known: a new case is written
    with it in its one INSERT, and a case already open takes it as the latest (what the
    responder meets).
    """
    active = get_active_case(session=session, contact_id=contact_id)
    if active is not None:
        _raise_level(session=session, case=active, kind=kind, level=level)
        if danger is not None:
            active.danger = danger
        return active
    case = SupportCase(
        contact_id=contact_id,
        kind=kind,
        level=level,
        source=source,
        danger=danger,
        next_escalation_at=clock.now(),  # due at once, so the sweep pages even if the job is lost
    )
    session.add(case)
    session.flush()
    audit.record(
        session=session,
        actor=f"contact:{contact_id}",
        action="case_opened",
        subject_type="case",
        subject_id=case.id,
        kind=kind,
        level=level,
        source=source,
    )
    enqueue_after_commit(
        session, ESCALATE_JOB, case.id, 0, job_id=f"escalate-{case.id}-0", queue="urgent"
    )
    log(logger, "case_opened", case_id=case.id, kind=kind, case_level=level, source=source)
    return case


# Built once, with the contact bound at run time (building costs about what running does).
_ACTIVE_CASE = (
    select(SupportCase)
    .where(
        SupportCase.contact_id == bindparam("contact_id"),
        SupportCase.status.in_(ACTIVE_CASE_STATUSES),
    )
    .order_by(SupportCase.id.desc())
)


def get_active_case(*, session: Session, contact_id: int) -> SupportCase | None:
    """Return the contact's open or acknowledged case, newest first."""
    return session.scalars(_ACTIVE_CASE, {"contact_id": contact_id}).first()


def _raise_level(*, session: Session, case: SupportCase, kind: str, level: str) -> None:
    # A second crisis text joins the case already open rather than paging everyone again; a
    # more urgent level is kept, and the responder who holds the case is told.
    if kind == "crisis" and case.kind != "crisis":
        case.kind = "crisis"
    if not is_higher_level(level, case.level):
        return
    audit.record(
        session=session,
        actor=f"contact:{case.contact_id}",
        action="case_level_raised",
        subject_type="case",
        subject_id=case.id,
        old=case.level,
        new=level,
    )
    case.level = level
    if case.acked_by_id is not None:
        holder = session.get(Coordinator, case.acked_by_id)
        if holder is not None:
            tell_staff(session, holder, "alert", case_id=case.id, level=level)


def take_case(*, session: Session, case_id: int, coordinator_id: int, now: dt.datetime) -> bool:
    """Acknowledge an open case for a coordinator; False when it is not open (any more)."""
    statement = (
        update(SupportCase)
        .where(SupportCase.id == case_id, SupportCase.status == CaseStatus.OPEN.value)
        .values(
            status=CaseStatus.ACKED.value,
            acked_by_id=coordinator_id,
            acked_at=now,
            next_escalation_at=None,
            # Bumped so a queued escalation step sees it was superseded, not just acked.
            escalation_version=SupportCase.escalation_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    taken = cast(CursorResult[Any], session.execute(statement)).rowcount == 1
    if taken:
        audit.record(
            session=session,
            actor=f"coordinator:{coordinator_id}",
            action="case_acked",
            subject_type="case",
            subject_id=case_id,
        )
        log(logger, "case_acked", case_id=case_id, coordinator_id=coordinator_id)
        case = session.get(SupportCase, case_id)
        if case is not None:
            caring.ask(session=session, case=case, now=now)
    return taken


def close_case(
    *, session: Session, case: SupportCase, coordinator_id: int, now: dt.datetime
) -> None:
    """Close a case; an escalation step still queued finds it closed and stops."""
    case.status = CaseStatus.CLOSED.value
    case.closed_at = now
    case.next_escalation_at = None
    case.escalation_version += 1
    if case.acked_by_id is None:
        case.acked_by_id, case.acked_at = coordinator_id, now
    audit.record(
        session=session,
        actor=f"coordinator:{coordinator_id}",
        action="case_closed",
        subject_type="case",
        subject_id=case.id,
    )
    log(logger, "case_closed", case_id=case.id, coordinator_id=coordinator_id)
    caring.schedule(session=session, settings=get_settings(), case=case, now=now)


def flag_stop_during_open_case(*, session: Session, contact_id: int) -> bool:
    """Flag the contact's active crisis case for review after a STOP; True when one was flagged."""
    case = session.scalars(
        select(SupportCase)
        .where(
            SupportCase.contact_id == contact_id,
            SupportCase.status.in_(ACTIVE_CASE_STATUSES),
            SupportCase.kind == "crisis",
        )
        .order_by(SupportCase.id.desc())
        .with_for_update()
    ).first()
    if case is None:
        return False
    case.needs_review = True
    audit.record(
        session=session,
        actor=f"contact:{contact_id}",
        action="stop_during_case",
        subject_type="case",
        subject_id=case.id,
    )
    log(logger, "case_flagged_stop", case_id=case.id)
    holder = session.get(Coordinator, case.acked_by_id) if case.acked_by_id else None
    if holder is not None:
        tell_staff(session, holder, "stop_review", case_id=case.id)
    return True


def tell_staff(session: Session, coordinator: Coordinator, key: str, **values: Any) -> None:
    """Text a staff member an urgent case message from the cases catalog (never quiet hours)."""
    contact = session.get(Contact, coordinator.contact_id)
    language = contact.language if contact is not None else "en"
    words = catalog(language)
    if "level" in values:
        values["level"] = level_word(language=language, level=str(values["level"]))
    queue_sms(
        session=session,
        contact_id=coordinator.contact_id,
        body=words.t(f"cases.{key}", **values),
        purpose="alert",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,
    )


def level_word(*, language: str, level: str) -> str:
    """Return a case level in the reader's language ("imminent", "inminente")."""
    words = catalog(language)
    key = f"cases.levels.{level}"
    return words.t(key) if words.has(key) else level
