"""The sender: the real twilio client against Prism and a misbehaving stand-in."""

from __future__ import annotations

import contextlib
import datetime as dt

from redis import Redis

from hotline import clock
from hotline.db import session_scope
from hotline.jobs.sender import _sender_for, send_batch, send_outbox
from hotline.models import Contact, OutboxMessage, Priority
from hotline.outbox import job_id_for, queue_call, queue_sms
from hotline.queues import get_queue
from hotline.settings import Settings
from tests.clock import travel
from tests.jobs.conftest import UseSettings
from tests.jobs.factories import make_contact
from tests.twilio_standin import TwilioStandIn

# 15:00 UTC is 08:00 in Los Angeles and 11:00 in New York: outside quiet hours in both.
DAYTIME = dt.datetime(2025, 3, 4, 17, 0, tzinfo=dt.UTC)


def _queue_text(
    settings: Settings, body: str = "Meeting 4821 starts in 1 hour.", **kw: object
) -> int:
    with session_scope() as session:
        contact = make_contact(session, settings)
        row = queue_sms(session=session, contact_id=contact.id, body=body, purpose="test", **kw)  # type: ignore[arg-type]
        return row.id


def _row(outbox_id: int) -> OutboxMessage:
    with session_scope() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None
        return row


def _contact(outbox_id: int) -> Contact:
    with session_scope() as session:
        contact = session.get(Contact, _row(outbox_id).contact_id)
        assert contact is not None
        return contact


def _standin(use_settings: UseSettings, standin: TwilioStandIn, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "transport": "twilio",
        "twilio_api_url": standin.url,
        "segments_per_second": 1000.0,
        "http_timeout_seconds": 2.0,
    }
    values.update(overrides)
    return use_settings(**values)


@travel(DAYTIME, tick=True)
def test_text_and_call_are_accepted_by_twilios_spec(
    prism_url: str, use_settings: UseSettings
) -> None:
    settings = use_settings(transport="twilio", twilio_api_url=prism_url, segments_per_second=100.0)
    text_id = _queue_text(settings)
    with session_scope() as session:
        contact = make_contact(session, settings)
        call_id = queue_call(
            session=session, contact_id=contact.id, call_path="outbound/reminder/7", purpose="test"
        ).id
    send_outbox(text_id)
    send_outbox(call_id)
    text, call = _row(text_id), _row(call_id)
    assert (text.status, text.error_reason) == ("sent", None)
    assert text.twilio_sid is not None and text.twilio_sid.startswith("SM")
    assert (call.status, call.error_reason) == ("sent", None)
    assert call.twilio_sid is not None and call.twilio_sid.startswith("CA")


@travel(DAYTIME, tick=True)
def test_messaging_service_sender_is_accepted_by_twilios_spec(
    prism_url: str, use_settings: UseSettings
) -> None:
    settings = use_settings(
        transport="twilio", twilio_api_url=prism_url, messaging_service_sid="MG" + "a" * 32
    )
    text_id = _queue_text(settings)
    send_outbox(text_id)
    assert _row(text_id).status == "sent"


@travel(DAYTIME, tick=True)
def test_sends_once_with_sid_and_status_callback(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    settings = _standin(use_settings, standin)
    outbox_id = _queue_text(settings)
    send_outbox(outbox_id)
    send_outbox(outbox_id)
    send_batch([outbox_id, outbox_id])
    (request,) = standin.requests
    row = _row(outbox_id)
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    assert row.twilio_sid is not None and row.twilio_sid.startswith("SM")
    assert request.fields["Body"] == "Meeting 4821 starts in 1 hour."
    assert request.fields["From"] == settings.from_number
    assert request.fields["StatusCallback"] == "https://hotline.example.org/twilio/status/message"
    assert request.fields["To"].startswith("+1415555")


@travel(DAYTIME, tick=True)
def test_429_backs_off_reschedules_and_slows_the_limiter(
    use_settings: UseSettings, standin: TwilioStandIn, redis: Redis
) -> None:
    settings = _standin(use_settings, standin)
    standin.reset("ok", "429")
    outbox_id = _queue_text(settings)
    send_outbox(outbox_id)
    row = _row(outbox_id)
    assert (row.status, row.attempts, row.error_reason) == ("queued", 1, "20429")
    assert row.next_attempt_at is not None
    delay = row.next_attempt_at.replace(tzinfo=dt.UTC) - clock.now()
    assert dt.timedelta(0) < delay <= dt.timedelta(seconds=settings.backoff_base_seconds)
    registry = get_queue("default", redis).scheduled_job_registry
    assert job_id_for(row) in registry.get_job_ids()
    assert _sender_for(settings).pacer.slow_factor() == 0.5
    # A job that starts before the row is due waits for the due time and sends, once.
    send_outbox(outbox_id)
    assert clock.now() >= row.next_attempt_at.replace(tzinfo=dt.UTC)
    assert _row(outbox_id).status == "sent"
    assert len(standin.requests) == 2
    send_outbox(outbox_id)
    assert len(standin.requests) == 2


@travel(DAYTIME, tick=True)
def test_5xx_is_retried_then_abandoned_after_max_attempts(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    settings = _standin(use_settings, standin, max_attempts=3)
    standin.reset("500")
    outbox_id = _queue_text(settings)
    with contextlib.ExitStack() as later:
        for _ in range(3):
            send_outbox(outbox_id)
            row = _row(outbox_id)
            if row.next_attempt_at is not None:
                due = row.next_attempt_at.replace(tzinfo=dt.UTC)
                later.enter_context(travel(due + dt.timedelta(seconds=1)))
    row = _row(outbox_id)
    assert (row.status, row.attempts) == ("abandoned", 3)
    assert row.error_reason is not None and "gave up after 3" in row.error_reason
    assert len(standin.requests) == 3


@travel(DAYTIME, tick=True)
def test_hung_request_times_out_and_is_retried(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    settings = _standin(use_settings, standin, http_timeout_seconds=0.3)
    standin.reset("ok", "hang")
    standin.hang_seconds = 2.0
    outbox_id = _queue_text(settings)
    started = clock.now()
    send_outbox(outbox_id)
    assert clock.now() - started < dt.timedelta(seconds=1.5)
    row = _row(outbox_id)
    assert (row.status, row.attempts, row.error_reason) == ("queued", 1, "twilio timeout")


@travel(DAYTIME, tick=True)
def test_21610_opts_the_contact_out_and_fails_the_row(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    settings = _standin(use_settings, standin)
    standin.reset("21610")
    outbox_id = _queue_text(settings)
    send_outbox(outbox_id)
    row = _row(outbox_id)
    assert (row.status, row.error_reason, row.error_code) == ("failed", "opted_out", "21610")
    assert _contact(outbox_id).opted_out_at is not None
    # Nothing more reaches an opted-out contact.
    with session_scope() as session:
        again = queue_sms(session=session, contact_id=row.contact_id, body="hi", purpose="test").id
    send_outbox(again)
    assert (_row(again).status, _row(again).error_reason) == ("skipped", "opted_out")
    assert len(standin.requests) == 1


@travel(DAYTIME, tick=True)
def test_invalid_number_and_other_4xx_fail_without_retry(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    settings = _standin(use_settings, standin)
    standin.reset("ok", "21211", "21601")
    invalid, refused = _queue_text(settings), _queue_text(settings)
    send_outbox(invalid)
    send_outbox(refused)
    assert (_row(invalid).status, _row(invalid).error_reason) == ("failed", "invalid_number")
    assert _contact(invalid).invalid_at is not None
    assert (_row(refused).status, _row(refused).error_code) == ("failed", "21601")
    assert _contact(refused).invalid_at is None
    assert len(standin.requests) == 2


def test_quiet_hours_defer_to_morning_in_the_contacts_zone(
    use_settings: UseSettings, standin: TwilioStandIn, redis: Redis
) -> None:
    settings = _standin(use_settings, standin)
    # 06:30 UTC on 4 March is 22:30 in Los Angeles: quiet until 08:00 local (16:00 UTC).
    with travel(dt.datetime(2025, 3, 4, 6, 30, tzinfo=dt.UTC), tick=False):
        with session_scope() as session:
            contact = make_contact(session, settings, time_zone="America/Los_Angeles")
            night = queue_sms(session=session, contact_id=contact.id, body="hi", purpose="t").id
            crisis = queue_sms(
                session=session,
                contact_id=contact.id,
                body="Crisis alert",
                purpose="escalation",
                priority=Priority.URGENT,
                ignore_quiet_hours=True,
            ).id
        send_outbox(night)
        send_outbox(crisis)
    row = _row(night)
    assert row.status == "queued" and row.attempts == 0
    assert row.next_attempt_at is not None
    assert row.next_attempt_at.replace(tzinfo=dt.UTC) == dt.datetime(
        2025, 3, 4, 16, 0, tzinfo=dt.UTC
    )
    assert job_id_for(row) in get_queue("default", redis).scheduled_job_registry.get_job_ids()
    assert _row(crisis).status == "sent"
    assert [r.fields["Body"] for r in standin.requests] == ["Crisis alert"]


@travel(DAYTIME, tick=True)
def test_the_shared_limiter_paces_bulk_below_the_rate(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    settings = _standin(use_settings, standin, segments_per_second=25.0, urgent_headroom=0.2)
    ids = [_queue_text(settings, priority=Priority.BULK) for _ in range(60)]
    send_batch(ids)
    times = sorted(r.at for r in standin.requests)
    assert len(times) == 60
    # Bulk may use 20 of the 25 segments a second, after a one-second burst: 40 more take 2 s.
    assert times[-1] - times[0] >= 1.8
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 41
