"""A paced chunk of texts: sent in order through the async client, outcomes recorded per row."""

from __future__ import annotations

import datetime as dt

import pytest
from redis import Redis

from hotline.db import session_scope
from hotline.jobs import broadcast as broadcast_module
from hotline.jobs.broadcast import confirm_broadcast, fan_out, prepare_broadcast
from hotline.jobs.names import SEND_BATCH_JOB
from hotline.jobs.sender import send_batch, sid_note_key
from hotline.models import Contact, OutboxMessage, Priority
from hotline.outbox import queue_sms
from hotline.queues import get_queue
from hotline.settings import Settings
from hotline.transport import Retryable, Text, send_texts
from tests.clock import travel
from tests.jobs.conftest import UseSettings
from tests.jobs.factories import make_contact, make_meeting, subscribe
from tests.twilio_standin import TwilioStandIn

DAYTIME = dt.datetime(2025, 3, 4, 17, 0, tzinfo=dt.UTC)


def _texts(use_settings: UseSettings, standin: TwilioStandIn, count: int) -> list[int]:
    settings = use_settings(
        transport="twilio",
        twilio_api_url=standin.url,
        segments_per_second=1000.0,
        http_timeout_seconds=2.0,
    )
    with session_scope() as session:
        ids = []
        for n in range(count):
            contact = make_contact(session, settings)
            row = queue_sms(
                session=session,
                contact_id=contact.id,
                body=f"Broadcast text {n}",
                purpose="test",
                priority=Priority.BULK,
            )
            ids.append(row.id)
        return ids


def _rows(ids: list[int]) -> list[OutboxMessage]:
    with session_scope() as session:
        rows = [session.get(OutboxMessage, outbox_id) for outbox_id in ids]
        session.expunge_all()
    return [row for row in rows if row is not None]


@travel(DAYTIME, tick=True)
def test_a_chunk_stops_at_a_retryable_error_and_holds_the_rest(
    use_settings: UseSettings, standin: TwilioStandIn, redis: Redis
) -> None:
    ids = _texts(use_settings, standin, 5)
    standin.reset("ok", "ok", "ok", "500")
    send_batch(ids)
    rows = _rows(ids)
    assert len(standin.requests) == 3
    assert [row.status for row in rows] == ["sent", "sent", "queued", "queued", "queued"]
    assert [row.attempts for row in rows] == [1, 1, 1, 0, 0]
    assert rows[2].error_reason == "20500"
    assert all(row.next_attempt_at is not None for row in rows[2:])
    for row in rows[:2]:
        assert row.twilio_sid is not None
        assert redis.get(sid_note_key(row.id)) == row.twilio_sid.encode()
    assert redis.get(sid_note_key(rows[2].id)) is None


@travel(DAYTIME, tick=True)
def test_a_chunk_maps_each_refusal_to_its_row(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    ids = _texts(use_settings, standin, 4)
    standin.reset("ok", "ok", "21610", "21211", "21601")
    send_batch(ids)
    rows = _rows(ids)
    assert len(standin.requests) == 4
    assert [(row.status, row.error_reason) for row in rows] == [
        ("sent", None),
        ("failed", "opted_out"),
        ("failed", "invalid_number"),
        ("failed", "twilio 400 21601"),
    ]
    with session_scope() as session:
        contacts = [session.get(Contact, row.contact_id) for row in rows]
        assert [c is not None and c.opted_out_at is not None for c in contacts] == [
            False,
            True,
            False,
            False,
        ]
        assert [c is not None and c.invalid_at is not None for c in contacts] == [
            False,
            False,
            True,
            False,
        ]


class _FlakyTransport:
    """A transport without a batch path whose second text meets a 503."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_sms(self, to: str, body: str, status_callback: str) -> str:
        if len(self.sent) == 1:
            self.sent.append(to)
            raise Retryable("twilio 503", code="20503", status=503)
        self.sent.append(to)
        return f"SM{len(self.sent)}"

    def start_call(self, to: str, url: str, status_callback: str) -> str:
        raise AssertionError("no calls here")


def test_send_texts_without_a_batch_path_goes_one_by_one_and_stops_at_trouble() -> None:
    transport = _FlakyTransport()
    noted: list[tuple[int, str]] = []
    texts = [Text(f"+1415555000{n}", "hi", "https://example.org/cb") for n in range(4)]
    outcomes = send_texts(transport, texts, lambda index, sid: noted.append((index, sid)))
    assert noted == [(0, "SM1")]
    assert outcomes[0] == "SM1"
    assert isinstance(outcomes[1], Retryable)
    assert outcomes[2:] == [None, None]
    assert len(transport.sent) == 2


def test_fan_out_enqueues_each_written_chunk_and_repeats_safely(
    redis: Redis, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(broadcast_module, "INSERT_CHUNK", 2)
    monkeypatch.setattr(broadcast_module, "BATCH_SIZE", 2)
    with session_scope() as session:
        meeting = make_meeting(session, code="4822")
        for _ in range(5):
            subscribe(session, make_contact(session, settings), meeting)
        broadcast = prepare_broadcast(
            session=session, coordinator_id=None, meeting_id=meeting.id, body="Moved to 7pm"
        )
        confirm_broadcast(session=session, broadcast_id=broadcast.id)
        broadcast_id = broadcast.id
    assert fan_out(broadcast_id) == 5
    bulk = get_queue("bulk", redis)
    batches = [job.args[0] for job in bulk.get_jobs() if job.func_name == SEND_BATCH_JOB]
    assert sorted(len(batch) for batch in batches) == [1, 2, 2]
    assert len({i for batch in batches for i in batch}) == 5
    assert fan_out(broadcast_id) == 5  # a repeat writes nothing and enqueues no new batch
    again = [job.args[0] for job in bulk.get_jobs() if job.func_name == SEND_BATCH_JOB]
    assert sorted(map(tuple, again)) == sorted(map(tuple, batches))
