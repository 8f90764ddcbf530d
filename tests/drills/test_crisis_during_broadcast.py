"""Drill: a crisis alert goes out while a broadcast is still sending, and nothing is lost.

Real worker process, real pacing (50 segments a second, so 300 members take about 7.5 s at
the bulk share), real webhook, loopback Twilio stand-in. No timing is asserted: only the order
of events at "Twilio" (the alert before the broadcast's last text) and exactly-once delivery.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from hotline.settings import Settings
from tests.drills.crisis_broadcast import (
    RESPONDER,
    add_responder,
    broadcast_sends,
    crisis_alert,
    start_broadcast,
    wait_for_sends,
)
from tests.jobs import pipeline
from tests.twilio import TwilioPoster
from tests.twilio_standin import TwilioStandIn

MEMBERS = 300
RATE = 50.0
BODY = "Drill: meeting 4821 moves to Room 12 tonight."


@pytest.fixture()
def standin() -> Iterator[TwilioStandIn]:
    server = TwilioStandIn().start()
    yield server
    server.stop()


def test_a_crisis_alert_overtakes_a_broadcast(
    database: Engine,
    redis_url: str,
    settings: Settings,
    twilio: TwilioPoster,
    standin: TwilioStandIn,
) -> None:
    add_responder(database, settings.secret_key)
    meeting_id = pipeline.seed_members(database, settings.secret_key, MEMBERS)
    env = pipeline.worker_env(settings.database_url, redis_url, standin.url, RATE)
    workers = pipeline.start_workers(env, 1)
    try:
        broadcast_id = start_broadcast(meeting_id, BODY)
        assert wait_for_sends(standin, BODY, 40, timeout=60), "the broadcast never got going"
        alert = crisis_alert(twilio, standin)
        pipeline.wait_until_final(database, MEMBERS, 120, broadcast_id)
    finally:
        pipeline.stop(workers)
    sends = broadcast_sends(standin, BODY)
    assert alert.sent is not None, "the on-call alert was never sent"
    assert alert.sent < max(sends), "the alert waited for the whole broadcast"
    assert sum(at > alert.sent for at in sends) > 0
    per_member = Counter(r.fields["To"] for r in standin.sent() if r.fields.get("Body") == BODY)
    assert len(per_member) == MEMBERS and set(per_member.values()) == {1}
    assert pipeline.counts(database, broadcast_id) == {"sent": MEMBERS}
    assert RESPONDER not in per_member
