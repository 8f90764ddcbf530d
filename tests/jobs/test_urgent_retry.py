"""Urgent sends are never late: a retry that starts before its row is due waits for it.

The drill runs a real `hotline worker` (with RQ's scheduler) against the loopback stand-in,
which answers the crisis alert's first send with a 500.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from redis import Redis
from sqlalchemy import Engine, select

from hotline import clock
from hotline.cases import open_support_case
from hotline.db import session_scope
from hotline.jobs.sender import send_outbox
from hotline.models import Coordinator, OutboxMessage, Priority
from hotline.outbox import queue_sms
from hotline.queues import get_queue
from hotline.settings import Settings
from tests.clock import daytime_zone
from tests.conftest import TEST_DATABASE_URL
from tests.jobs import pipeline
from tests.jobs.conftest import UseSettings
from tests.jobs.factories import make_contact
from tests.twilio_standin import TwilioStandIn


def _alert_row() -> OutboxMessage | None:
    with session_scope() as session:
        return session.scalars(
            select(OutboxMessage).where(OutboxMessage.purpose == "alert")
        ).first()


def test_crisis_alert_after_one_500_goes_out_within_its_backoff(
    database: Engine,
    redis_url: str,
    use_settings: UseSettings,
    standin: TwilioStandIn,
    tmp_path: Path,
) -> None:
    settings = use_settings(transport="twilio", twilio_api_url=standin.url)
    standin.reset("ok", "500")
    with session_scope() as session:
        responder = make_contact(session, settings, time_zone=daytime_zone())
        member = make_contact(session, settings, time_zone=daytime_zone())
        session.add(
            Coordinator(contact_id=responder.id, display_name="R", role="responder", oncall=True)
        )
        member_id = member.id
    log_path = tmp_path / "worker.log"
    env = pipeline.worker_env(TEST_DATABASE_URL, redis_url, standin.url, 10.0)
    with log_path.open("wb") as log_file:
        workers = pipeline.start_workers(env, 1, stderr=log_file.fileno())
        try:
            with session_scope() as session:
                open_support_case(
                    session=session,
                    contact_id=member_id,
                    kind="crisis",
                    level="crisis",
                    source="sms",
                )
            deadline = time.monotonic() + 30
            while len(standin.sent()) < 1:
                assert time.monotonic() < deadline, standin.requests
                time.sleep(0.05)
        finally:
            pipeline.stop(workers)
    first, second = standin.requests[0], standin.requests[-1]
    assert [r.answer for r in standin.requests] == ["500", "ok"]
    row = _alert_row()
    assert row is not None and row.status == "sent" and row.attempts == 2
    # The first backoff is at most backoff_base_seconds (2 s); RQ's scheduler looks once a
    # second. The reconciler, which would otherwise find it, sweeps only after minutes.
    delay = second.at - first.at
    assert delay < settings.backoff_base_seconds + 2.5, delay
    logged = log_path.read_text()
    assert "outbox_retry" in logged and "reason=20500" in logged
    assert first.fields["To"] not in logged and first.fields["Body"] not in logged


def _alert_due_in(settings: Settings, delay: dt.timedelta) -> int:
    """Queue an urgent alert whose next attempt is `delay` away, as a backed-off retry is."""
    with session_scope() as session:
        contact = make_contact(session, settings, time_zone=daytime_zone())
        row = queue_sms(
            session=session,
            contact_id=contact.id,
            body="Case 3 needs you",
            purpose="alert",
            priority=Priority.URGENT,
        )
        row.next_attempt_at = clock.now() + delay
        return row.id


def _status(row_id: int) -> str:
    with session_scope() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row.status


def test_a_retry_started_a_moment_early_waits_and_sends(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    settings = use_settings(transport="twilio", twilio_api_url=standin.url)
    row_id = _alert_due_in(settings, dt.timedelta(seconds=1.5))
    send_outbox(row_id)
    assert _status(row_id) == "sent"
    assert len(standin.sent()) == 1


def test_a_retry_started_long_before_its_row_is_due_is_scheduled_again(
    use_settings: UseSettings, standin: TwilioStandIn, redis: Redis
) -> None:
    settings = use_settings(transport="twilio", twilio_api_url=standin.url)
    row_id = _alert_due_in(settings, dt.timedelta(minutes=2))
    redis.delete(get_queue("urgent").key)  # drop the first send's job: only a retry is left
    send_outbox(row_id)
    assert _status(row_id) == "queued"
    assert standin.requests == []
    scheduled = get_queue("urgent", redis).scheduled_job_registry.get_job_ids()
    assert any(job_id.startswith(f"outbox-{row_id}-") for job_id in scheduled), scheduled
