"""Escalation: page on-call tiers, one rung per wait, until someone answers `ACK <case>`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from rq.job import Job, JobStatus
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from hotline import audit, clock, oncall
from hotline.catalogs import catalog
from hotline.crisis.cases import alert_level
from hotline.db import session_scope
from hotline.flows.sms.coordinator import next_rung, wait_for
from hotline.jobs.names import ESCALATE_JOB
from hotline.logs import log
from hotline.models import CaseStatus, Contact, Coordinator, Priority, SupportCase
from hotline.outbox import queue_call, queue_sms
from hotline.queues import get_queue
from hotline.settings import Settings, get_settings

logger = logging.getLogger(__name__)
# A due step still SCHEDULED means RQ's scheduler is late or down, so the sweep enqueues it
# anyway; one already QUEUED or STARTED will run, and enqueueing it again adds nothing.
_WAITING = frozenset({JobStatus.QUEUED, JobStatus.STARTED})


@dataclass(frozen=True)
class NextStep:
    case_id: int
    version: int
    at: dt.datetime


def escalate_case(case_id: int, version: int) -> None:
    """Page the next tier for a case, unless it was taken, closed or superseded meanwhile."""
    with session_scope() as session:
        step = run_escalation_step(
            session=session,
            settings=get_settings(),
            case_id=case_id,
            version=version,
            now=clock.now(),
        )
    # Scheduled only now that the step is committed; should this enqueue be lost, the
    # scheduler's sweep finds the case by its next_escalation_at.
    if step is not None:
        _schedule(step)


def run_escalation_step(
    *, session: Session, settings: Settings, case_id: int, version: int, now: dt.datetime
) -> NextStep | None:
    """Claim step `version` of a case and page its next rung; None when there is nothing to do."""
    if not _claim(session=session, case_id=case_id, version=version):
        _log_skip(session=session, case_id=case_id, version=version)
        return None
    case = session.get(SupportCase, case_id, populate_existing=True)
    assert case is not None  # the claim just updated it
    recipients, wait = _pick_recipients(session=session, settings=settings, case=case, now=now)
    for coordinator in recipients:
        _page(session=session, case=case, coordinator=coordinator, step=version + 1)
    if recipients and case.first_paged_at is None:
        case.first_paged_at = now
    case.next_escalation_at = now + wait
    audit.record(
        session=session,
        actor="system",
        action="escalated",
        subject_type="case",
        subject_id=case.id,
        step=version + 1,
        tier=case.tier,
        coordinator_ids=[coordinator.id for coordinator in recipients],
        call=case.level == "imminent",
    )
    log(
        logger,
        "case_escalated",
        case_id=case.id,
        step=version + 1,
        tier=case.tier,
        paged=len(recipients),
    )
    return NextStep(case_id=case.id, version=version + 1, at=case.next_escalation_at)


def _claim(*, session: Session, case_id: int, version: int) -> bool:
    # This conditional UPDATE is the lock, as the first statement of the transaction: on
    # PostgreSQL it takes the row lock (like SELECT ... FOR UPDATE) and re-checks its WHERE
    # once a concurrent ACK or twin job commits; on SQLite it takes the database write lock.
    # Either way exactly one run of step `version` gets rowcount 1; a twin, a stale job after
    # an ACK and a job for a closed case all get 0.
    statement = (
        update(SupportCase)
        .where(
            SupportCase.id == case_id,
            SupportCase.escalation_version == version,
            SupportCase.status == CaseStatus.OPEN.value,
        )
        .values(escalation_version=version + 1)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], session.execute(statement)).rowcount == 1


def _log_skip(*, session: Session, case_id: int, version: int) -> None:
    case = session.get(SupportCase, case_id)
    if case is None:
        reason = "missing"
    elif case.status != CaseStatus.OPEN.value:
        reason = case.status
    else:
        reason = "superseded"
    log(logger, "escalation_skipped", case_id=case_id, version=version, reason=reason)


def _pick_recipients(
    *, session: Session, settings: Settings, case: SupportCase, now: dt.datetime
) -> tuple[Sequence[Coordinator], dt.timedelta]:
    on = oncall.on_call(session=session, now=now, exclude_contact_id=case.contact_id)
    rung = next_rung(tiers=[c.tier for c in on], paged=case.tier, waits=settings.tier_wait_minutes)
    if rung is not None:
        case.tier = rung.tier
        return [c for c in on if c.tier == rung.tier], rung.wait
    # Nobody on call: every admin hears of it, every wait, until someone answers (or comes on
    # shift, and is paged at the next step).
    everyone = oncall.fallback(session=session, exclude_contact_id=case.contact_id)
    audit.record(
        session=session,
        actor="system",
        action="no_oncall",
        subject_type="case",
        subject_id=case.id,
        coordinator_ids=[c.id for c in everyone],
    )
    if not everyone:
        log(logger, "escalation_no_recipients", logging.ERROR, case_id=case.id)
    return everyone, wait_for(position=0, waits=settings.tier_wait_minutes)


def _page(*, session: Session, case: SupportCase, coordinator: Coordinator, step: int) -> None:
    contact = session.get(Contact, coordinator.contact_id)
    language = contact.language if contact is not None else "en"
    words = catalog(language)
    key = "cases.alert_talk" if case.kind == "talk" else "cases.alert"
    body = words.t(key, case_id=case.id, level=alert_level(language=language, case=case))
    queue_sms(
        session=session,
        contact_id=coordinator.contact_id,
        body=body,
        purpose="alert",
        priority=Priority.URGENT,
        dedupe_key=f"alert:{case.id}:{step}:{coordinator.id}",
        ignore_quiet_hours=True,
    )
    if case.level == "imminent":
        queue_call(
            session=session,
            contact_id=coordinator.contact_id,
            call_path=f"outbound/alert/{case.id}",
            purpose="alert",
            priority=Priority.URGENT,
            dedupe_key=f"alert-call:{case.id}:{step}:{coordinator.id}",
            ignore_quiet_hours=True,
        )


def _schedule(step: NextStep) -> None:
    try:
        get_queue(Priority.URGENT.value).enqueue_at(
            clock.real(step.at),
            ESCALATE_JOB,
            step.case_id,
            step.version,
            job_id=f"escalate-{step.case_id}-{step.version}",
            failure_ttl=86400,
            result_ttl=600,
        )
    except Exception as exc:
        log(
            logger,
            "escalation_schedule_failed",
            logging.WARNING,
            case_id=step.case_id,
            error=type(exc).__name__,
        )


def sweep_due_escalations(now: dt.datetime) -> int:
    """Enqueue the step of every open case whose wait has passed; return how many were due.

    The scheduler calls this every minute as the safety net for a delayed job that was lost
    (a Redis restart, a failed enqueue after commit).
    """
    with session_scope() as session:
        due = session.execute(
            select(SupportCase.id, SupportCase.escalation_version).where(
                SupportCase.status == CaseStatus.OPEN.value,
                SupportCase.next_escalation_at <= now,
            )
        ).all()
    if not due:
        return 0
    queue = get_queue(Priority.URGENT.value)
    job_ids = [f"escalate-{case_id}-{version}" for case_id, version in due]
    jobs = Job.fetch_many(job_ids, connection=queue.connection)
    for (case_id, version), job_id, job in zip(due, job_ids, jobs, strict=True):
        if job is not None and job.get_status(refresh=False) in _WAITING:
            continue
        # Should both still run, the version claim lets only one of them page.
        queue.enqueue(
            ESCALATE_JOB, case_id, version, job_id=job_id, failure_ttl=86400, result_ttl=600
        )
        log(logger, "escalation_swept", case_id=case_id, version=version)
    return len(due)
