"""Drill: Twilio answers 30 % 429/500 for a while. Every text is sent once, with few attempts.

The sender's jobs run here, over and over as duplicate and retried jobs would; the stand-in
counts every request, so a retry storm (attempts per message growing without bound) shows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

from redis import Redis
from sqlalchemy import select

from hotline.db import session_scope
from hotline.jobs.sender import send_batch
from hotline.models import OutboxMessage
from hotline.outbox import queue_sms
from tests.clock import travel
from tests.jobs.conftest import UseSettings
from tests.jobs.factories import make_contact
from tests.twilio_standin import TwilioStandIn

DAYTIME = dt.datetime(2025, 3, 4, 17, 0, tzinfo=dt.UTC)  # outside quiet hours in the US
TEXTS = 120
TROUBLE_SECONDS = 2.0
MAX_ATTEMPTS = 6


def test_a_flaky_twilio_gets_each_text_once_without_a_retry_storm(
    use_settings: UseSettings, standin: TwilioStandIn, redis: Redis
) -> None:
    with travel(DAYTIME, tick=True):
        _drill(use_settings, standin)


def _drill(use_settings: UseSettings, standin: TwilioStandIn) -> None:
    settings = use_settings(
        transport="twilio",
        twilio_api_url=standin.url,
        segments_per_second=1000.0,
        http_timeout_seconds=2.0,
        backoff_base_seconds=0.4,
        backoff_cap_seconds=2.0,
        max_attempts=MAX_ATTEMPTS,
    )
    with session_scope() as session:
        contacts = [
            make_contact(session, settings, time_zone="America/New_York") for _ in range(TEXTS)
        ]
        ids = [
            queue_sms(session=session, contact_id=c.id, body="Room 12 tonight", purpose="test").id
            for c in contacts
        ]
    standin.reset("flaky")
    standin.flaky_until = time.monotonic() + TROUBLE_SECONDS
    stop = time.monotonic() + 30
    while True:  # as workers would: every job again and again, early duplicates included
        with session_scope() as session:
            pending = list(
                session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.id.in_(ids), OutboxMessage.status.in_(("queued", "sending"))
                    )
                )
            )
        if not pending:
            break
        assert time.monotonic() < stop, f"{len(pending)} texts never left"
        send_batch(pending)
        time.sleep(0.05)
    with session_scope() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    assert {row.status for row in rows} == {"sent"}
    assert max(row.attempts for row in rows) <= MAX_ATTEMPTS
    refused = [r for r in standin.requests if r.answer != "ok"]
    assert refused, "the stand-in never misbehaved: the drill tested nothing"
    per_number = Counter(r.fields["To"] for r in standin.requests)
    accepted = Counter(r.fields["To"] for r in standin.sent())
    assert len(accepted) == TEXTS and set(accepted.values()) == {1}
    # Bounded attempts: each text tried a handful of times at most, never a storm.
    assert max(per_number.values()) <= MAX_ATTEMPTS
    assert len(standin.requests) <= 2 * TEXTS
