"""The outbox: every outbound text or call is a row first, then a job after commit."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hotline import clock
from hotline import settings as settings_module
from hotline.contacts import opt_out
from hotline.flows.segments import count_segments
from hotline.flows.sending import batch_timeout
from hotline.jobs.names import SEND_BATCH_JOB, SEND_JOB
from hotline.logs import log
from hotline.models import Contact, OutboxMessage, OutboxStatus, Priority
from hotline.queues import DEFAULT_JOB_TIMEOUT, PendingJob, enqueue_after_commit

logger = logging.getLogger(__name__)

# How far along each status is; a status callback never moves a row to a lower rank.
STATUS_RANK = {
    OutboxStatus.QUEUED.value: 0,
    OutboxStatus.SENDING.value: 1,
    OutboxStatus.SENT.value: 2,
    OutboxStatus.DELIVERED.value: 3,
    OutboxStatus.UNDELIVERED.value: 3,
    OutboxStatus.FAILED.value: 3,
    OutboxStatus.ABANDONED.value: 3,
    OutboxStatus.SKIPPED.value: 3,
}
_MESSAGE_STATUS = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}
_CALL_STATUS = {
    "queued": "sent",
    "initiated": "sent",
    "ringing": "sent",
    "in-progress": "sent",
    "answered": "sent",
    "completed": "delivered",
    "busy": "undelivered",
    "no-answer": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}
OPTED_OUT_CODE = "21610"


def aware(when: dt.datetime) -> dt.datetime:
    """Return a UTC-aware datetime (SQLite hands back naive UTC values)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def job_id_for(row: OutboxMessage) -> str:
    """Return the RQ job id of a row's next send, derived from the row so duplicates collapse."""
    if row.next_attempt_at is not None:
        return f"outbox-{row.id}-{row.attempts}-{int(aware(row.next_attempt_at).timestamp())}"
    return f"outbox-{row.id}"


def send_job_for(row: OutboxMessage) -> PendingJob:
    """Return the job that sends a row (scheduled, when its next attempt is in the future)."""
    at = aware(row.next_attempt_at) if row.next_attempt_at is not None else None
    if at is not None and at <= clock.now():
        at = None
    return PendingJob(SEND_JOB, (row.id,), job_id_for(row), row.priority, at, DEFAULT_JOB_TIMEOUT)


def enqueue_row(session: Session, row: OutboxMessage) -> None:
    """Enqueue the row's send once the session commits."""
    job = send_job_for(row)
    enqueue_after_commit(
        session, job.func, *job.args, job_id=job.job_id, queue=job.queue, at=job.at
    )


def _enqueue(session: Session, row: OutboxMessage) -> OutboxMessage:
    session.add(row)
    session.flush()
    enqueue_row(session, row)
    return row


def queue_sms(
    *,
    session: Session,
    contact_id: int,
    body: str,
    purpose: str,
    priority: Priority = Priority.DEFAULT,
    dedupe_key: str | None = None,
    ignore_quiet_hours: bool = False,
    broadcast_id: int | None = None,
) -> OutboxMessage:
    """Write an outbound text in the caller's transaction; the sender takes it after commit."""
    row = OutboxMessage(
        kind="sms",
        contact_id=contact_id,
        body=body,
        purpose=purpose,
        priority=priority.value,
        dedupe_key=dedupe_key,
        ignore_quiet_hours=ignore_quiet_hours,
        broadcast_id=broadcast_id,
        segments=count_segments(body).segments,
    )
    return _enqueue(session, row)


def queue_call(
    *,
    session: Session,
    contact_id: int,
    call_path: str,
    purpose: str,
    priority: Priority = Priority.DEFAULT,
    dedupe_key: str | None = None,
    ignore_quiet_hours: bool = False,
) -> OutboxMessage:
    """Write an outbound call whose answered leg fetches TwiML from /twilio/voice/<call_path>."""
    row = OutboxMessage(
        kind="call",
        contact_id=contact_id,
        call_path=call_path,
        purpose=purpose,
        priority=priority.value,
        dedupe_key=dedupe_key,
        ignore_quiet_hours=ignore_quiet_hours,
        segments=0,
    )
    return _enqueue(session, row)


def record_status(
    *, session: Session, kind: str, sid: str, provider_status: str, error_code: str | None
) -> OutboxMessage | None:
    """Apply a Twilio status callback to the row with this SID; never move it backwards."""
    mapping = _CALL_STATUS if kind == "call" else _MESSAGE_STATUS
    status = mapping.get(provider_status)
    row = session.scalars(
        select(OutboxMessage).where(OutboxMessage.twilio_sid == sid).with_for_update()
    ).first()
    if row is None or status is None:
        log(logger, "status_ignored", sid=sid, status=provider_status, known=row is not None)
        return row
    if error_code and row.error_code is None:
        row.error_code = error_code[:12]
    if STATUS_RANK[status] > STATUS_RANK.get(row.status, 0):
        row.status = status
        log(logger, "outbox_status", outbox_id=row.id, sid=sid, status=status, code=error_code)
    if error_code == OPTED_OUT_CODE:
        contact = session.get(Contact, row.contact_id)
        if contact is not None:
            opt_out(contact=contact)
            log(logger, "contact_opted_out", contact_id=contact.id, source="status_callback")
    return row


def mark_stale(*, row: OutboxMessage, now: dt.datetime) -> None:
    """Put a row back in the queue now (its worker died, or its job was lost)."""
    row.status = OutboxStatus.QUEUED.value
    row.claimed_at = None
    row.next_attempt_at = now


def insert_new(*, session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows whose dedupe_key is new, skipping existing ones race-free; return new ids.

    One INSERT … ON CONFLICT DO NOTHING, so two schedulers (or a repeated fan-out) writing the
    same keys at once create each row exactly once. Jobs are the caller's to enqueue.
    """
    if not rows:
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedupe_key"])
    # Rows as parameters, not one VALUES clause: the statement compiles once and is cached, and
    # SQLAlchemy still sends it as a few multi-row INSERTs (its "insertmanyvalues").
    return sorted(session.scalars(statement.returning(OutboxMessage.id), rows))


def sms_values(
    *, contact_id: int, body: str, purpose: str, priority: Priority, dedupe_key: str, **extra: Any
) -> dict[str, Any]:
    """Column values of an outbound text, for insert_new."""
    values: dict[str, Any] = {
        "kind": "sms",
        "contact_id": contact_id,
        "body": body,
        "purpose": purpose,
        "priority": priority.value,
        "dedupe_key": dedupe_key,
        "segments": count_segments(body).segments,
        "status": OutboxStatus.QUEUED.value,
    }
    values.update(extra)
    return values


def call_values(
    *,
    contact_id: int,
    call_path: str,
    purpose: str,
    priority: Priority,
    dedupe_key: str,
    **extra: Any,
) -> dict[str, Any]:
    """Column values of an outbound call, for insert_new."""
    return extra | {
        "kind": "call",
        "contact_id": contact_id,
        "call_path": call_path,
        "purpose": purpose,
        "priority": priority.value,
        "dedupe_key": dedupe_key,
        "segments": 0,
        "status": OutboxStatus.QUEUED.value,
    }


def enqueue_ids(session: Session, ids: list[int], priority: str) -> None:
    """Enqueue the first send of freshly inserted rows, one job each, after commit."""
    for outbox_id in ids:
        enqueue_after_commit(
            session, SEND_JOB, outbox_id, job_id=f"outbox-{outbox_id}", queue=priority
        )


# Rows sent per batch job: a job per row would cost more than the rows' sending.
BATCH_SIZE = 200


def enqueue_batches(
    session: Session,
    ids: list[int],
    *,
    queue: str,
    job_id: Callable[[list[int]], str],
    size: int = BATCH_SIZE,
) -> None:
    """Enqueue the sends of these rows as batch jobs of `size`, once the session commits."""
    settings = settings_module.get_settings()
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        timeout = batch_timeout(len(batch), settings.segments_per_second, settings.urgent_headroom)
        enqueue_after_commit(
            session, SEND_BATCH_JOB, batch, job_id=job_id(batch), queue=queue, timeout=timeout
        )
