"""The reconciler finds lost jobs and dead claims; retention purges old bodies."""

from __future__ import annotations

import datetime as dt

from redis import Redis
from sqlalchemy import select, update

from hotline.db import session_scope
from hotline.jobs import reconciler, retention
from hotline.jobs.sender import sid_note_key
from hotline.models import InboundMessage, OutboxMessage
from hotline.outbox import queue_sms
from hotline.queues import get_queue
from tests.clock import travel
from tests.jobs.conftest import UseSettings
from tests.jobs.factories import make_contact

NOW = dt.datetime(2025, 3, 4, 17, 0, tzinfo=dt.UTC)


def _rows(use_settings: UseSettings, count: int, **values: object) -> list[int]:
    settings = use_settings(stuck_after_seconds=60)
    earlier = travel(NOW - dt.timedelta(minutes=10), tick=False)
    with earlier, session_scope() as session:
        contact = make_contact(session, settings)
        ids = [
            queue_sms(session=session, contact_id=contact.id, body="hi", purpose="t").id
            for _ in range(count)
        ]
        if values:
            statement = update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values)
            session.execute(statement)
    return ids


def test_queued_rows_whose_job_was_lost_are_enqueued_once(
    use_settings: UseSettings, redis: Redis
) -> None:
    ids = _rows(use_settings, 3)
    queue = get_queue("default", redis)
    assert sorted(queue.job_ids) == sorted(f"outbox-{i}" for i in ids)
    # A live job is left alone.
    assert reconciler.reconcile(NOW).requeued == 0
    redis.flushdb()
    assert reconciler.reconcile(NOW).requeued == 3
    assert reconciler.reconcile(NOW).requeued == 0
    assert sorted(queue.job_ids) == sorted(f"outbox-{i}" for i in ids)


def test_dead_claims_are_released_or_recovered_from_the_sid_note(
    use_settings: UseSettings, redis: Redis
) -> None:
    claimed = NOW - dt.timedelta(minutes=5)
    released, recovered = _rows(use_settings, 2, status="sending", claimed_at=claimed)
    redis.flushdb()
    redis.set(sid_note_key(recovered), "SM" + "f" * 32)
    report = reconciler.reconcile(NOW)
    assert (report.released, report.recovered) == (1, 1)
    with session_scope() as session:
        rows = {row.id: row for row in session.scalars(select(OutboxMessage))}
    assert rows[released].status == "queued" and rows[released].claimed_at is None
    assert (rows[recovered].status, rows[recovered].twilio_sid) == ("sent", "SM" + "f" * 32)
    assert get_queue("default", redis).count == 1


def test_fresh_claims_and_recent_rows_are_left_alone(
    use_settings: UseSettings, redis: Redis
) -> None:
    _rows(use_settings, 1, status="sending", claimed_at=NOW - dt.timedelta(seconds=10))
    report = reconciler.reconcile(NOW)
    assert (report.released, report.requeued) == (0, 0)


def test_retention_purges_old_bodies_but_not_unsent_ones(use_settings: UseSettings) -> None:
    use_settings(body_retention_days=30)
    old = NOW - dt.timedelta(days=31)
    with travel(old, tick=False), session_scope() as session:
        contact = make_contact(session, use_settings())
        sent = queue_sms(session=session, contact_id=contact.id, body="old", purpose="t")
        unsent = queue_sms(session=session, contact_id=contact.id, body="waiting", purpose="t")
        sent.status = "delivered"
        session.add(
            InboundMessage(message_sid="SM" + "e" * 32, body="hello", contact_id=contact.id)
        )
    assert retention.purge_bodies(NOW) == 2
    with session_scope() as session:
        assert session.get_one(OutboxMessage, sent.id).body is None
        assert session.get_one(OutboxMessage, unsent.id).body == "waiting"
        assert session.scalars(select(InboundMessage.body)).one() is None
