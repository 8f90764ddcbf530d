"""Broadcasts: count and price up front, confirm, fan out in batches, report progress."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from hotline import outbox
from hotline import settings as settings_module
from hotline.db import session_scope
from hotline.flows.segments import count_segments
from hotline.flows.sending import QUIET_HOURS
from hotline.jobs.names import FAN_OUT_JOB
from hotline.logs import log
from hotline.meetings import get_meeting_by_code
from hotline.models import (
    Broadcast,
    Contact,
    Meeting,
    OutboxMessage,
    OutboxStatus,
    Priority,
    Subscription,
)
from hotline.outbox import aware
from hotline.queues import enqueue_after_commit

if TYPE_CHECKING:
    from rich.console import Console

logger = logging.getLogger(__name__)
BATCH_SIZE = 200
INSERT_CHUNK = 1000
# US long-code price per segment, for the estimate shown before confirming.
FINAL = ("sent", "delivered", "undelivered", "failed", "abandoned", "skipped")


def prepare_broadcast(
    *,
    session: Session,
    coordinator_id: int | None,
    meeting_id: int | None,
    body: str,
    group_id: int | None = None,
    body_es: str | None = None,
) -> Broadcast:
    """Record a pending broadcast to a meeting's (or group's) members, counted and priced.

    With a Spanish version, members whose language is Spanish get it and everyone else `body`.
    """
    broadcast = Broadcast(
        meeting_id=meeting_id,
        group_id=group_id if meeting_id is None else None,
        coordinator_id=coordinator_id,
        body=body,
        body_es=body_es or None,
        status="pending",
    )
    session.add(broadcast)
    session.flush()
    languages = recipient_languages(session=session, broadcast=broadcast)
    broadcast.recipients = sum(languages.values())
    broadcast.segments = sum(
        count * count_segments(body_for(broadcast, language)).segments
        for language, count in languages.items()
    )
    return broadcast


def recipient_languages(*, session: Session, broadcast: Broadcast) -> dict[str, int]:
    """Count the broadcast's recipients by their language."""
    members = _recipients(broadcast).subquery()
    statement = (
        select(Contact.language, func.count())
        .where(Contact.id.in_(select(members.c.id)))
        .group_by(Contact.language)
    )
    return {language: int(count) for language, count in session.execute(statement)}


def body_for(broadcast: Broadcast, language: str) -> str:
    """The text a member in this language gets."""
    if language == "es" and broadcast.body_es:
        return broadcast.body_es
    return broadcast.body or ""


def schedule_broadcast(*, session: Session, broadcast_id: int, send_at: dt.datetime) -> bool:
    """Hold a pending broadcast until send_at; the scheduler's tick starts it then."""
    scheduled = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "pending")
        .values(status="scheduled", send_at=send_at)
    )
    return bool(scheduled.rowcount)  # type: ignore[attr-defined]


def cancel_broadcast(*, session: Session, broadcast_id: int) -> bool:
    """Cancel a broadcast not started yet (pending or scheduled); False once it has started."""
    cancelled = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status.in_(("pending", "scheduled")))
        .values(status="cancelled")
    )
    if cancelled.rowcount:  # type: ignore[attr-defined]
        log(logger, "broadcast_cancelled", broadcast_id=broadcast_id)
    return bool(cancelled.rowcount)  # type: ignore[attr-defined]


def start_due_broadcasts(now: dt.datetime) -> int:
    """Start every scheduled broadcast whose time has come (the scheduler runs this each minute)."""
    with session_scope() as session:
        due = list(
            session.scalars(
                select(Broadcast.id).where(
                    Broadcast.status == "scheduled", Broadcast.send_at <= now
                )
            )
        )
        for broadcast_id in due:
            session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == "scheduled")
                .values(status="pending")
            )
            confirm_broadcast(session=session, broadcast_id=broadcast_id)
    return len(due)


def price_per_segment() -> float:
    """The price of one segment, in US dollars, that estimates use."""
    settings = settings_module.get_settings()
    return settings.price_per_segment


def estimate_cost(broadcast: Broadcast) -> float:
    """Estimated price in US dollars of sending every segment of the broadcast."""
    return round(broadcast.segments * price_per_segment(), 2)


def confirm_broadcast(*, session: Session, broadcast_id: int) -> None:
    """Confirm a pending broadcast; its fan-out starts after the caller's commit."""
    confirmed = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "pending")
        .values(status="confirmed")
    )
    if confirmed.rowcount:  # type: ignore[attr-defined]
        enqueue_after_commit(
            session,
            FAN_OUT_JOB,
            broadcast_id,
            job_id=f"broadcast-fanout-{broadcast_id}",
            queue="bulk",
        )
        log(logger, "broadcast_confirmed", broadcast_id=broadcast_id)


def fan_out(broadcast_id: int) -> int:
    """Write one outbox row per recipient and enqueue their sends in batches (safe to repeat).

    Each chunk's sends are enqueued as soon as its rows commit, so workers start sending while
    the rest of a large broadcast is still being written.
    """
    with session_scope() as session:
        broadcast = session.get(Broadcast, broadcast_id, with_for_update=True)
        if broadcast is None or broadcast.status not in ("confirmed", "sending"):
            return 0
        contact_ids = list(session.scalars(_recipients(broadcast)))
        bodies = {"": body_for(broadcast, "en"), "es": body_for(broadcast, "es")}
        meeting_id = broadcast.meeting_id
    enqueued: set[int] = set()
    for chunk in _chunks(contact_ids, INSERT_CHUNK):
        with session_scope() as session:
            spanish = _spanish(session, chunk) if bodies["es"] != bodies[""] else set()
            rows = [
                _values(broadcast_id, meeting_id, cid, bodies["es" if cid in spanish else ""])
                for cid in chunk
            ]
            new_ids = outbox.insert_new(session=session, rows=rows)
            _enqueue_sends(session, broadcast_id, new_ids)
        enqueued.update(new_ids)
    with session_scope() as session:
        queued = session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == "queued")
            .order_by(OutboxMessage.id)
        )
        # Rows an earlier, interrupted run wrote and this run did not insert.
        earlier = [outbox_id for outbox_id in queued if outbox_id not in enqueued]
        _enqueue_sends(session, broadcast_id, earlier)
        session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id).values(status="sending")
        )
    log(
        logger, "broadcast_fanned_out", broadcast_id=broadcast_id, rows=len(enqueued) + len(earlier)
    )
    return len(enqueued) + len(earlier)


def _enqueue_sends(session: Session, broadcast_id: int, ids: list[int]) -> None:
    """Enqueue batch sends of these rows once the session commits."""
    outbox.enqueue_batches(
        session,
        sorted(ids),
        queue=Priority.BULK.value,
        job_id=lambda batch: f"broadcast-{broadcast_id}-{batch[0]}",
        size=BATCH_SIZE,
    )


def broadcast_progress(*, session: Session, broadcast_id: int) -> dict[str, int]:
    """Count the broadcast's rows by status (queued, sending, sent, delivered, failed …)."""
    statement = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .group_by(OutboxMessage.status)
    )
    return {status: int(count) for status, count in session.execute(statement)}


def held_for_quiet_hours(*, session: Session, broadcast_id: int) -> tuple[int, dt.datetime | None]:
    """Count the broadcast's rows quiet hours hold, and when the last of them goes out."""
    held, until = session.execute(
        select(func.count(), func.max(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.broadcast_id == broadcast_id,
            OutboxMessage.status == OutboxStatus.QUEUED.value,
            OutboxMessage.error_reason == QUIET_HOURS,
        )
    ).one()
    return int(held), aware(until) if until is not None else None


def held_note(held: int, until: dt.datetime | None) -> str:
    """ "3 held for quiet hours until 2025-03-05 16:00 UTC", or "" when none are held."""
    if not held or until is None:
        return ""
    return f"{held} held for quiet hours until {until:%Y-%m-%d %H:%M} UTC"


def broadcast_from_cli(code: str, text: str, *, yes: bool = False) -> int:
    """`hotline broadcast CODE TEXT`: confirm, fan out, and show progress until done."""
    from rich.console import Console

    console = Console()
    with session_scope() as session:
        meeting = get_meeting_by_code(session=session, code=code)
        if meeting is None:
            console.print(f"No meeting #{code}.")
            return 1
        broadcast = prepare_broadcast(
            session=session, coordinator_id=None, meeting_id=meeting.id, body=text
        )
        question = (
            f"Send to {broadcast.recipients} members of #{code} "
            f"({broadcast.segments} segments, about ${estimate_cost(broadcast):.2f})?"
        )
        if broadcast.recipients == 0:
            console.print(f"Nobody is subscribed to #{code}.")
            return 1
        if not yes and console.input(f"{question} [y/N] ").strip().lower() not in ("y", "yes"):
            console.print("Not sent.")
            return 1
        confirm_broadcast(session=session, broadcast_id=broadcast.id)
        broadcast_id, total = broadcast.id, broadcast.recipients
    fan_out(broadcast_id)
    return _show_progress(console, broadcast_id, total)


def _show_progress(console: Console, broadcast_id: int, total: int) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(f"broadcast {broadcast_id}", total=total)
        while True:
            with session_scope() as session:
                counts = broadcast_progress(session=session, broadcast_id=broadcast_id)
                held = held_for_quiet_hours(session=session, broadcast_id=broadcast_id)
            done = sum(counts.get(status, 0) for status in FINAL)
            detail = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
            note = held_note(*held)
            description = f"broadcast {broadcast_id} {detail}" + (f" ({note})" if note else "")
            bar.update(task, completed=done, description=description)
            if done >= sum(counts.values()):
                return 0
            if note and done + held[0] >= sum(counts.values()):
                console.print(f"The rest go out when quiet hours end: {note}.")
                return 0
            time.sleep(0.5)


def _recipients(broadcast: Broadcast) -> Select[int]:
    """Contact ids of live, reachable subscribers of the broadcast's meeting (or group, or all)."""
    statement = (
        select(Contact.id)
        .join(Subscription, Subscription.contact_id == Contact.id)
        .join(Meeting, Meeting.id == Subscription.meeting_id)
        .where(
            Subscription.ended_at.is_(None),
            Contact.opted_out_at.is_(None),
            Contact.invalid_at.is_(None),
            Contact.can_sms.is_(True),
        )
        .distinct()
        .order_by(Contact.id)
    )
    if broadcast.meeting_id is not None:
        return statement.where(Subscription.meeting_id == broadcast.meeting_id)
    if broadcast.group_id is not None:
        return statement.where(Meeting.group_id == broadcast.group_id)
    return statement


def _spanish(session: Session, contact_ids: list[int]) -> set[int]:
    statement = select(Contact.id).where(Contact.id.in_(contact_ids), Contact.language == "es")
    return set(session.scalars(statement))


def _values(
    broadcast_id: int, meeting_id: int | None, contact_id: int, body: str
) -> dict[str, object]:
    return outbox.sms_values(
        contact_id=contact_id,
        body=body,
        purpose="broadcast",
        priority=Priority.BULK,
        dedupe_key=f"broadcast:{broadcast_id}:{contact_id}",
        broadcast_id=broadcast_id,
        meeting_id=meeting_id,
    )


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
