"""Broadcasts: who they reach, that fan-out is safe to repeat, and the CLI end to end."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis
from sqlalchemy import Engine, func, select

from hotline import clock
from hotline.db import session_scope
from hotline.jobs.broadcast import broadcast_progress, confirm_broadcast, fan_out, prepare_broadcast
from hotline.jobs.worker import run_worker
from hotline.models import Broadcast, OutboxMessage, Subscription
from hotline.settings import Settings
from tests.clock import daytime_zone, travel
from tests.jobs.factories import make_contact, make_meeting, subscribe

ROOT = Path(__file__).resolve().parents[2]


def _members(settings: Settings) -> tuple[int, list[int]]:
    """A meeting with 5 reachable members, one opted out, one invalid, one who left."""
    with session_scope() as session:
        meeting = make_meeting(session, code="4821")
        reachable = []
        for _ in range(5):
            # Contacts carry a zone where it is daytime now, so quiet hours never hold them.
            contact = make_contact(session, settings, time_zone=daytime_zone())
            subscribe(session, contact, meeting)
            reachable.append(contact.id)
        for fields in ({"opted_out_at": clock.now()}, {"invalid_at": clock.now()}, {}):
            contact = make_contact(session, settings, **fields)
            sub_id = subscribe(session, contact, meeting)
            if not fields:
                sub = session.get(Subscription, sub_id)
                assert sub is not None
                sub.ended_at = clock.now()
        return meeting.id, reachable


def _rows(broadcast_id: int) -> list[int]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(OutboxMessage.contact_id).where(OutboxMessage.broadcast_id == broadcast_id)
            )
        )


def test_broadcast_reaches_only_live_reachable_members_once(
    database: Engine, redis: Redis, settings: Settings
) -> None:
    meeting_id, reachable = _members(settings)
    with session_scope() as session:
        broadcast = prepare_broadcast(
            session=session, coordinator_id=None, meeting_id=meeting_id, body="Moved to 7pm"
        )
        assert (broadcast.recipients, broadcast.segments) == (5, 5)
        confirm_broadcast(session=session, broadcast_id=broadcast.id)
        broadcast_id = broadcast.id
    assert fan_out(broadcast_id) == 5
    assert fan_out(broadcast_id) == 5  # a repeated job queues the same rows, writes none
    assert sorted(_rows(broadcast_id)) == sorted(reachable)
    run_worker(burst=True)
    with session_scope() as session:
        assert broadcast_progress(session=session, broadcast_id=broadcast_id) == {"sent": 5}


def test_unconfirmed_broadcast_never_fans_out(
    database: Engine, redis: Redis, settings: Settings
) -> None:
    meeting_id, _ = _members(settings)
    with session_scope() as session:
        broadcast = prepare_broadcast(
            session=session, coordinator_id=None, meeting_id=meeting_id, body="hello"
        )
        broadcast_id = broadcast.id
    assert fan_out(broadcast_id) == 0
    assert _rows(broadcast_id) == []


def test_broadcast_command_sends_and_reports_progress(
    database: Engine, redis: Redis, settings: Settings
) -> None:
    _, reachable = _members(settings)
    command = [sys.executable, "-m", "hotline.cli", "broadcast", "4821", "Moved to 7pm", "--yes"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        run_worker(burst=True)  # this test process is the worker the command waits for
        time.sleep(0.2)
    output = process.communicate(timeout=10)[0]
    assert process.returncode == 0, output
    assert "broadcast" in output and "sent=5" in output
    with session_scope() as session:
        broadcast = session.scalars(select(Broadcast)).one()
        sent = session.scalar(
            select(func.count()).where(
                OutboxMessage.broadcast_id == broadcast.id, OutboxMessage.status == "sent"
            )
        )
    assert sent == len(reachable)


def test_broadcast_command_to_an_unknown_meeting_says_so(database: Engine) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hotline.cli", "broadcast", "9999", "hi", "--yes"],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "No meeting #9999" in result.stdout


def test_a_broadcast_at_night_is_shown_held_for_quiet_hours(
    database: Engine, redis: Redis, settings: Settings
) -> None:
    from hotline.jobs.broadcast import held_for_quiet_hours, held_note
    from hotline.models import Coordinator
    from hotline.web.admin_overview import get_overview

    night = dt.datetime(2025, 3, 4, 6, 0, tzinfo=dt.UTC)  # 10pm in Los Angeles
    with travel(night, tick=False):
        with session_scope() as session:
            meeting = make_meeting(session, code="4821")
            for _ in range(3):
                subscribe(
                    session,
                    make_contact(session, settings, time_zone="America/Los_Angeles"),
                    meeting,
                )
            broadcast = prepare_broadcast(
                session=session, coordinator_id=None, meeting_id=meeting.id, body="Moved to 7pm"
            )
            confirm_broadcast(session=session, broadcast_id=broadcast.id)
            broadcast_id = broadcast.id
        fan_out(broadcast_id)
        run_worker(burst=True)
        with session_scope() as session:
            held, until = held_for_quiet_hours(session=session, broadcast_id=broadcast_id)
            me = Coordinator(contact_id=0, display_name="A", role="admin")
            row = get_overview(session=session, me=me, now=night).broadcasts[0]
    assert (held, until) == (3, dt.datetime(2025, 3, 4, 16, 0, tzinfo=dt.UTC))  # 8am there
    assert held_note(held, until) == "3 held for quiet hours until 2025-03-04 16:00 UTC"
    assert (row.held, row.held_until) == (held, until) and row.queued == 3
