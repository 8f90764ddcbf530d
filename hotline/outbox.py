"""The outbox: every outbound text or call is a row first, then a job after commit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline.flows.segments import count_segments
from hotline.models import OutboxMessage, Priority
from hotline.queues import enqueue_after_commit

SEND_JOB = "hotline.jobs.sender.send_outbox"


def _enqueue(session: Session, row: OutboxMessage) -> OutboxMessage:
    session.add(row)
    session.flush()
    enqueue_after_commit(session, SEND_JOB, row.id, job_id=f"outbox-{row.id}", queue=row.priority)
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
