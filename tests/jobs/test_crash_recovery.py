"""A worker killed mid-broadcast, and Redis flushed mid-broadcast: nothing lost, nothing doubled.

Real `hotline worker` subprocesses send to the loopback stand-in through the real twilio
client; the reconciler runs here, as `hotline scheduler` would.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Callable

import pytest
from redis import Redis
from sqlalchemy import Engine, func, select

from hotline.db import session_scope
from hotline.jobs import reconciler
from hotline.jobs.broadcast import confirm_broadcast, fan_out, prepare_broadcast
from hotline.models import OutboxMessage
from tests.conftest import TEST_DATABASE_URL
from tests.jobs import pipeline
from tests.jobs.conftest import UseSettings
from tests.twilio_standin import TwilioStandIn

RECIPIENTS = 1500
# Slow enough that the broadcast takes several seconds, so there is a "mid" to interrupt.
RATE = 300.0


def _start_broadcast(engine: Engine, use_settings: UseSettings, standin: TwilioStandIn) -> int:
    settings = use_settings(
        transport="twilio",
        twilio_api_url=standin.url,
        stuck_after_seconds=2,
        segments_per_second=RATE,
    )
    meeting_id = pipeline.seed_members(engine, settings.secret_key, RECIPIENTS)
    with session_scope() as session:
        broadcast = prepare_broadcast(
            session=session, coordinator_id=None, meeting_id=meeting_id, body="Room 12 tonight"
        )
        confirm_broadcast(session=session, broadcast_id=broadcast.id)
    fan_out(broadcast.id)
    return broadcast.id


def _sent(engine: Engine) -> int:
    return pipeline.counts(engine).get("sent", 0)


def _wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _recover(engine: Engine, timeout: float = 40) -> None:
    """Reconcile once a second, as the scheduler would, until every row is final."""
    deadline = time.monotonic() + timeout
    while sum(pipeline.counts(engine).get(s, 0) for s in pipeline.FINAL) < RECIPIENTS:
        assert time.monotonic() < deadline, pipeline.counts(engine)
        reconciler.reconcile()
        time.sleep(1.0)


def _assert_each_recipient_sent_once(standin: TwilioStandIn) -> None:
    with session_scope() as session:
        per_contact = session.execute(
            select(OutboxMessage.contact_id, func.count())
            .where(OutboxMessage.status == "sent")
            .group_by(OutboxMessage.contact_id)
        ).all()
        statuses = set(session.scalars(select(OutboxMessage.status).distinct()))
    assert statuses == {"sent"}
    assert len(per_contact) == RECIPIENTS
    assert {count for _, count in per_contact} == {1}
    requests = Counter(r.fields["To"] for r in standin.sent())
    assert len(requests) == RECIPIENTS
    # A worker killed between Twilio's answer and noting the SID can repeat one text at most.
    assert sum(n - 1 for n in requests.values()) <= 1


def _env(standin: TwilioStandIn, redis_url: str) -> dict[str, str]:
    return pipeline.worker_env(TEST_DATABASE_URL, redis_url, standin.url, RATE)


@pytest.mark.slow
def test_worker_killed_mid_broadcast(
    database: Engine,
    redis: Redis,
    redis_url: str,
    use_settings: UseSettings,
    standin: TwilioStandIn,
) -> None:
    _start_broadcast(database, use_settings, standin)
    env = _env(standin, redis_url)
    (victim,) = pipeline.start_workers(env, 1)
    try:
        _wait_for(lambda: _sent(database) >= 300, 30)
        pipeline.kill_group(victim, signal.SIGKILL)
        victim.wait()
        assert _sent(database) < RECIPIENTS
        survivors = pipeline.start_workers(env, 1)
        try:
            _recover(database)
        finally:
            pipeline.stop(survivors)
    finally:
        pipeline.stop([victim])
    _assert_each_recipient_sent_once(standin)


@pytest.mark.slow
def test_redis_flushed_mid_broadcast(
    database: Engine,
    redis: Redis,
    redis_url: str,
    use_settings: UseSettings,
    standin: TwilioStandIn,
) -> None:
    _start_broadcast(database, use_settings, standin)
    workers = pipeline.start_workers(_env(standin, redis_url), 2)
    try:
        _wait_for(lambda: _sent(database) >= 300, 30)
        redis.flushdb()
        assert _sent(database) < RECIPIENTS
        _recover(database)
    finally:
        pipeline.stop(workers)
    _assert_each_recipient_sent_once(standin)
