"""Find outbox work that fell through the cracks and put it back on its way.

- rows left "sending" by a worker that died are released (or marked sent, when the dead worker
  noted Twilio's SID in Redis before it could commit);
- rows left "queued" past the deadline with no live job (a lost enqueue, a Redis restarted
  empty) are enqueued again, under job ids derived from the rows so repeats collapse;
- broadcasts confirmed but never fanned out are fanned out again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hotline import clock, outbox
from hotline import settings as settings_module
from hotline.db import session_scope
from hotline.flows.sending import batch_timeout
from hotline.jobs.names import FAN_OUT_JOB, SEND_BATCH_JOB
from hotline.jobs.sender import sid_note_key
from hotline.logs import log
from hotline.models import Broadcast, OutboxMessage, OutboxStatus
from hotline.queues import PendingJob, enqueue_now, get_redis, is_live

logger = logging.getLogger(__name__)
BATCH_SIZE = 200
MAX_ROWS_PER_PASS = 20_000


@dataclass
class Report:
    released: int = 0
    recovered: int = 0
    requeued: int = 0
    fan_outs: int = 0


def reconcile(now: dt.datetime | None = None) -> Report:
    """Run every repair once; safe to run in several processes at the same time."""
    now = now or clock.now()
    stale_before = now - dt.timedelta(seconds=settings_module.get_settings().stuck_after_seconds)
    report = Report()
    with session_scope() as session:
        report.released, report.recovered = _release_dead_claims(session, stale_before, now)
    with session_scope() as session:
        jobs = _lost_sends(session, stale_before) + _lost_fan_outs(session, stale_before)
    for job in jobs:
        if enqueue_now(job):
            if job.func == FAN_OUT_JOB:
                report.fan_outs += 1
            else:
                report.requeued += len(job.args[0]) if isinstance(job.args[0], list) else 1
    if report.released or report.recovered or report.requeued or report.fan_outs:
        log(logger, "reconciled", logging.WARNING, **vars(report))
    return report


def _release_dead_claims(
    session: Session, stale_before: dt.datetime, now: dt.datetime
) -> tuple[int, int]:
    rows = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.claimed_at < stale_before,
        )
        .with_for_update(skip_locked=True)
        .limit(MAX_ROWS_PER_PASS)
    ).all()
    if not rows:
        return 0, 0
    notes = get_redis().mget([sid_note_key(row.id) for row in rows])
    released = recovered = 0
    for row, note in zip(rows, notes, strict=True):
        if note is not None:
            # Twilio accepted it; the worker died before recording that. Never send it again.
            row.twilio_sid, row.sent_at = note.decode(), now  # type: ignore[union-attr]
            row.status, row.claimed_at = OutboxStatus.SENT.value, None
            recovered += 1
        else:
            outbox.mark_stale(row=row, now=now)
            released += 1
    session.flush()
    batch: defaultdict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.status != OutboxStatus.QUEUED.value:
            continue
        if row.broadcast_id is None:
            outbox.enqueue_row(session, row)
        else:
            batch[row.priority].append(row.id)
    for priority, ids in batch.items():
        outbox.enqueue_batches(
            session,
            ids,
            queue=priority,
            job_id=lambda chunk: f"outbox-released-{chunk[0]}-{chunk[-1]}-{int(now.timestamp())}",
            size=BATCH_SIZE,
        )
    return released, recovered


def _lost_sends(session: Session, stale_before: dt.datetime) -> list[PendingJob]:
    due = func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.broadcast_id,
            OutboxMessage.priority,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
        )
        .where(OutboxMessage.status == OutboxStatus.QUEUED.value, due < stale_before)
        .order_by(OutboxMessage.id)
        .limit(MAX_ROWS_PER_PASS)
    ).all()
    singles: list[PendingJob] = []
    batches: defaultdict[tuple[int, str], list[int]] = defaultdict(list)
    for outbox_id, broadcast_id, priority, attempts, next_attempt_at in rows:
        if broadcast_id is not None and next_attempt_at is None:
            batches[(broadcast_id, priority)].append(outbox_id)
            continue
        row = OutboxMessage(id=outbox_id, priority=priority, attempts=attempts)
        row.next_attempt_at = next_attempt_at
        job = outbox.send_job_for(row)
        singles.append(PendingJob(job.func, job.args, job.job_id, job.queue))  # due now
    alive = is_live([job.job_id for job in singles]) if singles else []
    jobs = [job for job, live in zip(singles, alive, strict=True) if not live]
    progressing = _progressing_broadcasts(session, {key[0] for key in batches}, stale_before)
    settings = settings_module.get_settings()
    for (broadcast_id, priority), ids in batches.items():
        if broadcast_id in progressing:
            continue
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            job_id = f"outbox-batch-{broadcast_id}-{chunk[0]}-{chunk[-1]}"
            timeout = batch_timeout(
                len(chunk), settings.segments_per_second, settings.urgent_headroom
            )
            jobs.append(PendingJob(SEND_BATCH_JOB, (chunk,), job_id, priority, None, timeout))
    return jobs


def _progressing_broadcasts(
    session: Session, broadcast_ids: set[int], stale_before: dt.datetime
) -> set[int]:
    """Broadcasts some of whose rows moved recently: their batch jobs are still working."""
    if not broadcast_ids:
        return set()
    statement = (
        select(OutboxMessage.broadcast_id)
        .where(
            OutboxMessage.broadcast_id.in_(broadcast_ids),
            OutboxMessage.updated_at >= stale_before,
            or_(
                OutboxMessage.status != OutboxStatus.QUEUED.value,
                OutboxMessage.claimed_at.is_not(None),
            ),
        )
        .distinct()
    )
    return {broadcast_id for broadcast_id in session.scalars(statement) if broadcast_id}


def _lost_fan_outs(session: Session, stale_before: dt.datetime) -> list[PendingJob]:
    ids = session.scalars(
        select(Broadcast.id).where(
            Broadcast.status == "confirmed", Broadcast.created_at < stale_before
        )
    ).all()
    return [PendingJob(FAN_OUT_JOB, (bid,), f"broadcast-fanout-{bid}", "bulk") for bid in ids]
