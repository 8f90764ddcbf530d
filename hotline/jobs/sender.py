"""Send outbox rows: claim, pace, send, record the outcome. The I/O only.

What to do with a row (send now, defer until T, finish it) and what an error means are
decided in hotline/flows/sending.py; this module reads the facts, applies the decision.

A row is claimed by one conditional UPDATE (queued -> sending) before anything is sent, so a
job that runs twice, or two workers given the same ids, send each row at most once.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from redis.exceptions import RedisError
from rq import get_current_job
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from hotline import clock, outbox, sealed
from hotline import settings as settings_module
from hotline.contacts import opt_out
from hotline.db import session_scope
from hotline.flows import sending
from hotline.logs import log
from hotline.models import (
    Broadcast,
    Contact,
    Meeting,
    OutboxMessage,
    OutboxStatus,
    Priority,
    Subscription,
)
from hotline.pacing import Pacer
from hotline.phones import PhoneError, vault_for
from hotline.queues import QUEUE_ORDER, PendingJob, enqueue_now, get_queue, get_redis, is_live
from hotline.settings import Settings
from hotline.transport import (
    InvalidNumber,
    OptedOut,
    Retryable,
    Text,
    Transport,
    TransportError,
    get_transport,
    send_texts,
)

logger = logging.getLogger(__name__)
# A successful send's SID is noted in Redis at once, so a worker killed before its commit
# leaves a trace the reconciler uses instead of sending the row again.
SID_NOTE_SECONDS = 86400
# Bulk rows are claimed a few seconds' worth at a time, so rows are never held "sending" long
# and a worker returns to the urgent queue between chunks.
CHUNK_SECONDS = 5.0
MAX_CHUNK = 50
# RQ's scheduler keeps whole seconds, so a retry job can start up to a second before its row is
# due; a row due within this many seconds is waited for, a later one is scheduled again.
EARLY_WAIT_SECONDS = 5.0


def note_sid(outbox_id: int, sid: str) -> None:
    """Note Twilio's SID in Redis the moment it answers, for the reconciler if we die next.

    Best effort: with Redis gone the text is still recorded as sent in the database a moment
    later; failing here instead would leave it "sending" and the reconciler would send it
    again.
    """
    try:
        get_redis().set(sid_note_key(outbox_id), sid, ex=SID_NOTE_SECONDS)
    except RedisError as exc:
        log(
            logger,
            "sid_note_failed",
            logging.WARNING,
            outbox_id=outbox_id,
            error=type(exc).__name__,
        )


def sid_note_key(outbox_id: int) -> str:
    return f"hotline:outbox-sid:{outbox_id}"


def send_outbox(outbox_id: int) -> None:
    """Send one outbox row (safe to run twice)."""
    send_batch([outbox_id])


def send_batch(outbox_ids: Sequence[int]) -> None:
    """Send many outbox rows, a chunk at a time, giving way to more urgent queues between chunks."""
    sender = _Sender.current()
    pending = sorted(outbox_ids)
    size = sender.chunk_size()
    while pending:
        chunk, pending = pending[:size], pending[size:]
        priority = sender.send_chunk(chunk)
        if pending and priority is not None and sender.should_yield(priority):
            _continue_later(pending, priority)
            return


def claim(*, session: Session, ids: Sequence[int], now: dt.datetime) -> list[int]:
    """Move due queued rows to sending in one statement; return the ids this caller won."""
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.QUEUED.value,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .values(status=OutboxStatus.SENDING.value, claimed_at=now, updated_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(session.scalars(statement))


@dataclass
class _Sender:
    settings: Settings
    transport: Transport
    pacer: Pacer
    call_pacer: Pacer
    zones: dict[tuple[str, int], str] = field(default_factory=dict)

    @classmethod
    def current(cls) -> _Sender:
        return _sender_for(settings_module.get_settings())

    def chunk_size(self) -> int:
        rate = self.settings.segments_per_second * (1 - self.settings.urgent_headroom)
        return max(1, min(MAX_CHUNK, int(rate * CHUNK_SECONDS)))

    def should_yield(self, priority: str) -> bool:
        """True when a more urgent queue has work waiting."""
        ahead = QUEUE_ORDER[: QUEUE_ORDER.index(priority)] if priority in QUEUE_ORDER else ()
        return any(get_queue(name).count > 0 for name in ahead)

    def send_chunk(self, ids: Sequence[int]) -> str | None:
        """Claim and send one chunk; return its priority, or None when nothing was claimed.

        No transaction stays open while texts go out: on SQLite a transaction holds the write
        lock, and on any database a long one holds back everyone else.
        """
        claimed = self.claim_due(ids)
        if not claimed:
            return None
        with session_scope() as session:
            rows = session.execute(
                select(OutboxMessage, Contact)
                .join(Contact, Contact.id == OutboxMessage.contact_id)
                .where(OutboxMessage.id.in_(claimed))
                .order_by(OutboxMessage.id)
            ).all()
            zones = {row.id: self.zone_for(session, row, contact) for row, contact in rows}
            session.expunge_all()
        # Sign-in codes are written into the (detached, never saved) rows only now.
        sealed.unseal(
            (row for row, _ in rows), redis=get_redis(), secret_key=self.settings.secret_key
        )
        deferred: list[OutboxMessage] = []
        if self.pace_together([row for row, _ in rows]):
            self.send_together(rows, zones, deferred)
            _record(rows, deferred)
            return rows[0][0].priority
        troubled = False
        for row, contact in rows:
            if troubled:
                self.hold(deferred, row)
                continue
            troubled = self.deliver(row, contact, zones[row.id], deferred)
        _record(rows, deferred)
        return rows[0][0].priority if rows else None

    def claim_due(self, ids: Sequence[int]) -> list[int]:
        """Claim the chunk's due rows; one a moment from due is waited for, never left behind."""
        with session_scope() as session:
            now = clock.now()
            claimed = claim(session=session, ids=ids, now=now)
            early = _early_rows(session, [i for i in ids if i not in set(claimed)], now)
        soon = [row for row in early if _wait(row, now) <= EARLY_WAIT_SECONDS]
        for row in early:
            log(logger, "outbox_early", outbox_id=row.id, wait=round(_wait(row, now), 3))
            if row not in soon:
                _schedule_again(row)
        if not soon:
            return claimed
        time.sleep(max(_wait(row, now) for row in soon))
        with session_scope() as session:
            later = claim(session=session, ids=[row.id for row in soon], now=clock.now())
        return sorted(claimed + later)

    def send_together(
        self,
        rows: Sequence[tuple[OutboxMessage, Contact]],
        zones: dict[int, str],
        deferred: list[OutboxMessage],
    ) -> None:
        """Send a chunk of texts already paced as one and record each outcome."""
        now = clock.now()
        ready: list[tuple[OutboxMessage, Contact]] = []
        texts: list[Text] = []
        callback = f"{self.settings.public_url}/twilio/status/message"
        for row, contact in rows:
            if not self.may_send(row, contact, zones[row.id], deferred, now):
                continue
            try:
                to = vault_for(self.settings.secret_key).decrypt(contact.phone_encrypted)
            except PhoneError as exc:
                row.attempts += 1
                self.settle(row, contact, exc, deferred, now)
                continue
            assert row.body is not None
            ready.append((row, contact))
            texts.append(Text(to, row.body, callback))

        def note(index: int, sid: str) -> None:
            note_sid(ready[index][0].id, sid)

        outcomes = send_texts(self.transport, texts, note)
        throttled = False
        for (row, contact), outcome in zip(ready, outcomes, strict=True):
            if outcome is None:
                self.hold(deferred, row)
                continue
            row.attempts += 1
            throttled = throttled or (isinstance(outcome, Retryable) and outcome.throttled)
            self.settle(row, contact, outcome, deferred, now, slow_down=False)
        if throttled:
            self.pacer.slow_down()  # once per chunk, however many sends met the 429

    def deliver(
        self, row: OutboxMessage, contact: Contact, zone: str, deferred: list[OutboxMessage]
    ) -> bool:
        """Decide, pace, send and record one claimed row; True if Twilio is in trouble."""
        now = clock.now()
        if not self.may_send(row, contact, zone, deferred, now):
            return False
        self.pace(row)
        row.attempts += 1
        try:
            sid = self.transmit(row, contact)
        except (TransportError, PhoneError) as exc:
            return self.settle(row, contact, exc, deferred, now)
        note_sid(row.id, sid)
        return self.settle(row, contact, sid, deferred, now)

    def may_send(
        self,
        row: OutboxMessage,
        contact: Contact,
        zone: str,
        deferred: list[OutboxMessage],
        now: dt.datetime,
    ) -> bool:
        """Re-check opt-out and quiet hours just before sending; settle the row if it must wait."""
        decision = sending.before_send(_facts(row, contact, zone), now, self.rules)
        if isinstance(decision, sending.SendNow):
            return True
        if isinstance(decision, sending.Defer):
            log(logger, "outbox_deferred", outbox_id=row.id, reason=decision.reason)
        _apply(row, contact, decision, deferred, now)
        return False

    def settle(
        self,
        row: OutboxMessage,
        contact: Contact,
        outcome: str | TransportError | PhoneError,
        deferred: list[OutboxMessage],
        now: dt.datetime,
        *,
        slow_down: bool = True,
    ) -> bool:
        """Record a send's outcome on its row (SID already noted); True if Twilio is in trouble."""
        tried = outcome if isinstance(outcome, str) else _failure(outcome)
        if isinstance(tried, sending.Failure) and tried.throttled and slow_down:
            self.pacer.slow_down()
        facts = _facts(row, contact, "UTC")
        decision = sending.after_send(facts, tried, now, self.rules, random.random())
        if isinstance(decision, sending.Defer):
            log(
                logger,
                "outbox_retry",
                logging.WARNING,
                outbox_id=row.id,
                attempt=row.attempts,
                delay=round((decision.until - now).total_seconds(), 1),
                reason=decision.reason,
            )
        elif isinstance(decision, sending.Finish) and decision.status == sending.ABANDONED:
            log(
                logger,
                "outbox_abandoned",
                logging.WARNING,
                outbox_id=row.id,
                reason=decision.reason,
            )
        _apply(row, contact, decision, deferred, now)
        return sending.troubled(tried)

    @cached_property
    def rules(self) -> sending.Rules:
        return sending.Rules(
            quiet_hours=self.settings.quiet_hours,
            max_attempts=self.settings.max_attempts,
            backoff_base_seconds=self.settings.backoff_base_seconds,
            backoff_cap_seconds=self.settings.backoff_cap_seconds,
        )

    def hold(self, deferred: list[OutboxMessage], row: OutboxMessage) -> None:
        """Twilio is failing or slow: hold a row instead of hitting it again now."""
        now = clock.now()
        decision = sending.hold(_announces(row), now, self.rules, random.random())
        if isinstance(decision, sending.Defer):
            wait = int((decision.until - now).total_seconds())
            reason = "twilio_trouble"
            log(logger, "outbox_held", logging.WARNING, outbox_id=row.id, reason=reason, delay=wait)
        _apply(row, None, decision, deferred, now)

    def pace_together(self, rows: list[OutboxMessage]) -> bool:
        """Book a whole chunk of texts in one go when it fits in one burst; True if booked.

        At high rates this saves a Redis round trip per message; at low rates the chunk does not
        fit and each text is paced on its own. Rows then skipped only leave the pace a bit slower.
        """
        if not rows or any(row.kind != "sms" for row in rows):
            return False
        priority = rows[0].priority
        total = sum(max(row.segments, 1) for row in rows)
        if total > self.pacer.burst(priority):
            return False
        return self.pacer.acquire(total, priority)

    def pace(self, row: OutboxMessage) -> None:
        if row.kind == "call":
            self.call_pacer.acquire(1, row.priority)
        else:
            self.pacer.acquire(row.segments, row.priority)

    def transmit(self, row: OutboxMessage, contact: Contact) -> str:
        to = vault_for(self.settings.secret_key).decrypt(contact.phone_encrypted)
        base = self.settings.public_url
        if row.kind == "call":
            url = f"{base}/twilio/voice/{row.call_path}"
            return self.transport.start_call(
                to, url, f"{base}/twilio/status/call", ring_seconds=self.ring_seconds(row)
            )
        assert row.body is not None
        return self.transport.send_sms(to, row.body, f"{base}/twilio/status/message")

    def ring_seconds(self, row: OutboxMessage) -> int | None:
        """A warm-line volunteer's leg rings only so long, so "in order" can move on."""
        return self.settings.warm.leg_ring_seconds if row.purpose == "warm" else None

    def zone_for(self, session: Session, row: OutboxMessage, contact: Contact) -> str:
        """The contact's zone, else the meeting's the row is about, else the line's."""
        if contact.time_zone:
            return contact.time_zone
        about = _about(row)
        if about is None:
            return self.settings.time_zone
        if about not in self.zones:
            kind, ref = about
            meeting_id: int | None = ref
            if kind == "broadcast":
                meeting_id = session.scalar(select(Broadcast.meeting_id).where(Broadcast.id == ref))
            elif kind == "subscription":
                statement = select(Subscription.meeting_id).where(Subscription.id == ref)
                meeting_id = session.scalar(statement)
            zone = session.scalar(select(Meeting.time_zone).where(Meeting.id == meeting_id))
            self.zones[about] = zone or self.settings.time_zone
        return self.zones[about]


def _about(row: OutboxMessage) -> tuple[str, int] | None:
    """What a row is about, for its zone: its meeting, its broadcast, or (rows queued before
    0012_outbox_refs) the subscription named in its dedupe key."""
    if row.meeting_id is not None:
        return "meeting", row.meeting_id
    if row.broadcast_id is not None:
        return "broadcast", row.broadcast_id
    old = sending.old_reminder_key(row.dedupe_key)
    return ("subscription", old[0]) if old is not None else None


_OUTCOME = (
    "status",
    "claimed_at",
    "attempts",
    "next_attempt_at",
    "twilio_sid",
    "sent_at",
    "error_code",
    "error_reason",
)


def _record(rows: Sequence[tuple[OutboxMessage, Contact]], deferred: list[OutboxMessage]) -> None:
    """Write a chunk's outcomes in one short transaction, then schedule the deferred rows."""
    now = clock.now()
    with session_scope() as session:
        session.execute(
            update(OutboxMessage),
            [
                {"id": row.id, "updated_at": now} | {k: getattr(row, k) for k in _OUTCOME}
                for row, _ in rows
            ],
        )
        for _, contact in rows:
            if contact.opted_out_at is not None or contact.invalid_at is not None:
                session.execute(
                    update(Contact)
                    .where(Contact.id == contact.id)
                    .values(opted_out_at=contact.opted_out_at, invalid_at=contact.invalid_at)
                )
        for row in deferred:
            outbox.enqueue_row(session, row)


def _early_rows(session: Session, ids: Sequence[int], now: dt.datetime) -> list[OutboxMessage]:
    """Rows among ids still queued but not yet due (their job started ahead of time)."""
    if not ids:
        return []
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.QUEUED.value,
            OutboxMessage.next_attempt_at > now,
        )
    ).all()
    session.expunge_all()
    return list(rows)


def _wait(row: OutboxMessage, now: dt.datetime) -> float:
    assert row.next_attempt_at is not None
    return max(0.0, (outbox.aware(row.next_attempt_at) - now).total_seconds())


def _schedule_again(row: OutboxMessage) -> None:
    """Schedule a not-yet-due row's send for its due time, unless another job already waits."""
    job = outbox.send_job_for(row)
    current = get_current_job()
    if (current is None or current.id != job.job_id) and is_live([job.job_id])[0]:
        return
    again = PendingJob(
        job.func, job.args, f"{job.job_id}-again-{time.time_ns()}", job.queue, job.at
    )
    enqueue_now(again)


def _apply(
    row: OutboxMessage,
    contact: Contact | None,
    decision: sending.Sent | sending.Defer | sending.Finish,
    deferred: list[OutboxMessage],
    now: dt.datetime,
) -> None:
    """Write a decision on the row (and the contact): sent, back in the queue, or done."""
    if isinstance(decision, sending.Sent):
        row.twilio_sid, row.sent_at = decision.sid, now
        row.status, row.claimed_at = OutboxStatus.SENT.value, None
        row.error_code = row.error_reason = None
        log(logger, "outbox_sent", logging.DEBUG, outbox_id=row.id, sid=decision.sid)
    elif isinstance(decision, sending.Defer):
        if decision.reason is not None:
            row.error_reason = decision.reason
        row.status, row.claimed_at = OutboxStatus.QUEUED.value, None
        row.next_attempt_at = decision.until
        deferred.append(row)
    else:
        if contact is not None and decision.mark == sending.OPTED_OUT:
            opt_out(contact=contact)
        elif contact is not None and decision.mark == sending.INVALID_NUMBER:
            contact.invalid_at = now
        _finish(row, OutboxStatus(decision.status), decision.reason, decision.code)


def _facts(row: OutboxMessage, contact: Contact, zone: str) -> sending.Row:
    return sending.Row(
        kind=row.kind,
        has_body=bool(row.body),
        attempts=row.attempts,
        ignore_quiet_hours=row.ignore_quiet_hours,
        zone=zone,
        announces=_announces(row),
        opted_out=contact.opted_out_at is not None,
        invalid=contact.invalid_at is not None,
    )


def _announces(row: OutboxMessage) -> dt.datetime | None:
    """The occurrence a reminder row announces: its column, or an older row's dedupe key."""
    if row.occurs_at is not None:
        return outbox.aware(row.occurs_at)
    old = sending.old_reminder_key(row.dedupe_key)
    return old[1] if old is not None else None


def _failure(error: TransportError | PhoneError) -> sending.Failure:
    """What a vendor error means to the sender's decisions (the boundary's one mapping)."""
    if isinstance(error, Retryable):
        return sending.Failure(sending.RETRYABLE, error.reason, error.code, error.throttled)
    if isinstance(error, OptedOut):
        return sending.Failure(sending.OPTED_OUT, error.reason, error.code)
    if isinstance(error, InvalidNumber):
        return sending.Failure(sending.INVALID_NUMBER, error.reason, error.code)
    if isinstance(error, TransportError):
        return sending.Failure(sending.REFUSED, error.reason, error.code)
    return sending.Failure(sending.UNDECRYPTABLE)


def _finish(row: OutboxMessage, status: OutboxStatus, reason: str, code: str | None = None) -> None:
    row.status, row.claimed_at = status.value, None
    row.error_reason, row.error_code = reason[:200], code
    level = logging.INFO if status == OutboxStatus.SKIPPED else logging.WARNING
    log(logger, f"outbox_{status.value}", level, outbox_id=row.id, reason=reason, code=code)


def _continue_later(ids: Sequence[int], priority: str) -> None:
    """Put the rest of a batch at the back of its queue so urgent work goes first."""
    with session_scope() as session:
        outbox.enqueue_batches(
            session,
            list(ids),
            queue=priority,
            job_id=lambda rest: f"outbox-rest-{rest[0]}-{time.time_ns()}",
            size=len(ids),
        )


_senders: dict[int, tuple[Settings, _Sender]] = {}


def _sender_for(settings: Settings) -> _Sender:
    # Keyed by identity: settings are read once per process (and swapped only by tests).
    cached = _senders.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    redis = get_redis()
    sender = settings.messaging_service_sid or settings.from_number or "default"
    built = _Sender(
        settings=settings,
        transport=get_transport(settings),
        pacer=Pacer(redis, sender, settings.segments_per_second, settings.urgent_headroom),
        call_pacer=Pacer(
            redis, f"calls:{sender}", settings.calls_per_second, settings.urgent_headroom
        ),
    )
    _senders[id(settings)] = (settings, built)
    return built


__all__ = ["Priority", "claim", "send_batch", "send_outbox"]
