"""Drill: Redis killed mid-broadcast, then started again empty (its queues and notes gone).

Real `hotline worker` subprocesses send to the loopback Twilio stand-in; the reconciler runs
here once a second, as `hotline scheduler` would. Every recipient must end with exactly one
sent text: none lost, none sent twice.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from redis import Redis
from sqlalchemy import Engine, func, select

from hotline.db import session_scope
from hotline.models import OutboxMessage
from tests.conftest import TEST_DATABASE_URL
from tests.drills.own_redis import own_redis
from tests.jobs import pipeline
from tests.jobs.conftest import UseSettings
from tests.jobs.test_crash_recovery import (
    RATE,
    RECIPIENTS,
    _recover,
    _sent,
    _start_broadcast,
    _wait_for,
)
from tests.twilio_standin import TwilioStandIn

OUTAGE_SECONDS = 3.0


@pytest.mark.slow
def test_redis_gone_mid_broadcast(
    database: Engine,
    redis: Redis,
    use_settings: UseSettings,
    standin: TwilioStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with own_redis(monkeypatch) as server:
        _start_broadcast(database, use_settings, standin)
        env = pipeline.worker_env(TEST_DATABASE_URL, server.url, standin.url, RATE)
        workers = pipeline.start_workers(env, 2)
        try:
            _wait_for(lambda: _sent(database) >= 300, 30)
            server.stop()
            during = _sent(database)
            time.sleep(OUTAGE_SECONDS)
            assert _sent(database) < RECIPIENTS, "the broadcast ended before Redis went"
            server.start()  # empty: every queued job and SID note is gone
            print(f"\nRedis killed at {during} sent; back after {OUTAGE_SECONDS} s")
            _recover(database, timeout=60)
            alive = [worker.poll() is None for worker in workers]
        finally:
            pipeline.stop(workers)
    assert all(alive), "a worker exited during the outage"
    _assert_exactly_once(standin)


def _assert_exactly_once(standin: TwilioStandIn) -> None:
    with session_scope() as session:
        per_contact = session.execute(
            select(OutboxMessage.contact_id, func.count())
            .where(OutboxMessage.status == "sent")
            .group_by(OutboxMessage.contact_id)
        ).all()
        statuses = Counter(session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent": RECIPIENTS}, statuses
    assert len(per_contact) == RECIPIENTS and {count for _, count in per_contact} == {1}
    requests = Counter(request.fields["To"] for request in standin.sent())
    assert len(requests) == RECIPIENTS, "some recipients never reached Twilio"
    twice = {to: n for to, n in requests.items() if n > 1}
    assert not twice, f"{len(twice)} recipients were sent the broadcast more than once"
