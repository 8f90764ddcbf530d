"""Send outbox rows: claim, re-check opt-out and quiet hours, pace, send, record the outcome.

A row is claimed by one conditional UPDATE (queued -> sending) before anything is sent, so a
job that runs twice, or two workers given the same ids, send each row at most once.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from redis.exceptions import RedisError
from rq import get_current_job
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from hotline import clock, outbox, sealed
from hotline import settings as settings_module
from hotline.contacts import opt_out
from hotline.db import session_scope
from hotline.jobs.names import SEND_BATCH_JOB
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
from hotline.queues import (
    QUEUE_ORDER,
    PendingJob,
    enqueue_after_commit,
    enqueue_now,
    get_queue,
    get_redis,
    is_live,
)
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
DEFAULT_TIME_ZONE = "America/New_York"
# A successful send's SID is noted in Redis at once, so a worker killed before its commit
# leaves a trace the reconciler uses instead of sending the row again.
SID_NOTE_SECONDS = 86400
# error_reason of a row that waits for quiet hours to end (cleared when it is sent).
QUIET_HOURS = "quiet_hours"
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


def quiet_until(now: dt.datetime, time_zone: str, window: tuple[str, str]) -> dt.datetime | None:
    """Return when quiet hours end (UTC) if `now` falls inside them in the zone, else None."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    start, end = (dt.time.fromisoformat(value) for value in window)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock or clock < end if start > end else start <= clock < end
    if not inside:
        return None
    end_date = local.date() if clock < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(end_date, end).replace(tzinfo=zone).astimezone(dt.UTC)


def held_by_quiet_hours(
    now: dt.datetime, zones: Iterable[str], window: tuple[str, str]
) -> tuple[int, dt.datetime | None]:
    """Count the recipients (by zone) quiet hours hold now, and when the last is released."""
    ends = [end for end in (quiet_until(now, zone, window) for zone in zones) if end is not None]
    return len(ends), max(ends, default=None)


def resume_label(window: tuple[str, str], language: str) -> str:
    """Say when quiet hours end, in the reader's way: "8:00am", "8:00"."""
    end = dt.time.fromisoformat(window[1])
    if language == "es":
        return f"{end.hour}:{end.minute:02d}"
    return f"{end.hour % 12 or 12}:{end.minute:02d}{'am' if end.hour < 12 else 'pm'}"


def backoff_seconds(attempts: int, settings: Settings) -> float:
    """Return an exponential delay with jitter, capped: ~base, 2·base, 4·base … per attempt."""
    ceiling = min(settings.backoff_cap_seconds, settings.backoff_base_seconds * 2 ** (attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


def reminder_start(dedupe_key: str | None) -> dt.datetime | None:
    """Return the occurrence a reminder row announces, from its dedupe key."""
    if not dedupe_key or not dedupe_key.startswith("reminder:"):
        return None
    stamp = dedupe_key.split(":")[2]
    return dt.datetime.strptime(stamp, "%Y%m%dT%H%MZ").replace(tzinfo=dt.UTC)


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
        refusal = _refusal(row, contact)
        if refusal is not None:
            _finish(row, *refusal)
            return False
        if not row.ignore_quiet_hours:
            resume = quiet_until(now, zone, self.settings.quiet_hours)
            if resume is not None:
                log(logger, "outbox_deferred", outbox_id=row.id, reason="quiet_hours")
                row.error_reason = QUIET_HOURS
                self.defer(deferred, row, resume)
                return False
        return True

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
        if isinstance(outcome, str):
            row.twilio_sid, row.sent_at = outcome, now
            row.status, row.claimed_at = OutboxStatus.SENT.value, None
            row.error_code = row.error_reason = None
            log(logger, "outbox_sent", logging.DEBUG, outbox_id=row.id, sid=outcome)
        elif isinstance(outcome, Retryable):
            if outcome.throttled and slow_down:
                self.pacer.slow_down()
            self.retry(deferred, row, outcome.code or outcome.reason)
            return True
        elif isinstance(outcome, OptedOut):
            opt_out(contact=contact)
            _finish(row, OutboxStatus.FAILED, "opted_out", outcome.code)
        elif isinstance(outcome, InvalidNumber):
            contact.invalid_at = now
            _finish(row, OutboxStatus.FAILED, "invalid_number", outcome.code)
        elif isinstance(outcome, TransportError):
            _finish(row, OutboxStatus.FAILED, outcome.reason, outcome.code)
        else:
            _finish(row, OutboxStatus.FAILED, "phone_undecryptable")
        return False

    def hold(self, deferred: list[OutboxMessage], row: OutboxMessage) -> None:
        """Twilio is failing or slow: hold a row instead of hitting it again now."""
        wait = dt.timedelta(seconds=backoff_seconds(1, self.settings))
        log(
            logger,
            "outbox_held",
            logging.WARNING,
            outbox_id=row.id,
            reason="twilio_trouble",
            delay=wait.seconds,
        )
        self.defer(deferred, row, clock.now() + wait)

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

    def retry(self, deferred: list[OutboxMessage], row: OutboxMessage, reason: str) -> None:
        if row.attempts >= self.settings.max_attempts:
            log(logger, "outbox_abandoned", logging.WARNING, outbox_id=row.id, reason=reason)
            return _finish(row, OutboxStatus.ABANDONED, f"gave up after {row.attempts}: {reason}")
        delay = backoff_seconds(row.attempts, self.settings)
        row.error_reason = reason[:200]
        log(
            logger,
            "outbox_retry",
            logging.WARNING,
            outbox_id=row.id,
            attempt=row.attempts,
            delay=round(delay, 1),
            reason=reason,
        )
        self.defer(deferred, row, clock.now() + dt.timedelta(seconds=delay))

    def defer(self, deferred: list[OutboxMessage], row: OutboxMessage, when: dt.datetime) -> None:
        starts = reminder_start(row.dedupe_key)
        if starts is not None and when >= starts:
            return _finish(row, OutboxStatus.SKIPPED, "quiet_hours_until_meeting")
        row.status, row.claimed_at = OutboxStatus.QUEUED.value, None
        row.next_attempt_at = when
        deferred.append(row)

    def zone_for(self, session: Session, row: OutboxMessage, contact: Contact) -> str:
        """The contact's zone, else the meeting's the row is about, else the line's."""
        if contact.time_zone:
            return contact.time_zone
        line_zone = str(self.settings.extra.get("time_zone", DEFAULT_TIME_ZONE))
        meeting_id: int | None = None
        if row.broadcast_id is not None:
            key = ("broadcast", row.broadcast_id)
            if key in self.zones:
                return self.zones[key]
            meeting_id = session.scalar(
                select(Broadcast.meeting_id).where(Broadcast.id == row.broadcast_id)
            )
        elif row.dedupe_key and row.dedupe_key.startswith("reminder:"):
            key = ("subscription", int(row.dedupe_key.split(":")[1]))
            meeting_id = session.scalar(
                select(Subscription.meeting_id).where(Subscription.id == key[1])
            )
        else:
            return line_zone
        zone = session.scalar(select(Meeting.time_zone).where(Meeting.id == meeting_id))
        self.zones[key] = zone or line_zone
        return self.zones[key]


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


def _refusal(row: OutboxMessage, contact: Contact) -> tuple[OutboxStatus, str] | None:
    """Why this row must not go out at all, if it must not."""
    if contact.opted_out_at is not None:
        return OutboxStatus.SKIPPED, "opted_out"
    if contact.invalid_at is not None:
        return OutboxStatus.SKIPPED, "invalid_number"
    if row.kind == "sms" and not row.body:
        return OutboxStatus.FAILED, "body_missing"
    return None


def _finish(row: OutboxMessage, status: OutboxStatus, reason: str, code: str | None = None) -> None:
    row.status, row.claimed_at = status.value, None
    row.error_reason, row.error_code = reason[:200], code
    level = logging.INFO if status == OutboxStatus.SKIPPED else logging.WARNING
    log(logger, f"outbox_{status.value}", level, outbox_id=row.id, reason=reason, code=code)


def _continue_later(ids: Sequence[int], priority: str) -> None:
    """Put the rest of a batch at the back of its queue so urgent work goes first."""
    with session_scope() as session:
        enqueue_after_commit(
            session,
            SEND_BATCH_JOB,
            list(ids),
            job_id=f"outbox-rest-{ids[0]}-{time.time_ns()}",
            queue=priority,
            timeout=batch_timeout(len(ids), settings_module.get_settings()),
        )


def batch_timeout(rows: int, settings: Settings) -> int:
    """Give a batch job time for its rows at the bulk pace, and some slack."""
    rate = settings.segments_per_second * (1 - settings.urgent_headroom)
    return int(120 + 3 * rows / rate)


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
