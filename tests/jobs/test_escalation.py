"""Escalation on a frozen clock, against the real database and Redis."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Iterator

import pytest
import time_machine
from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import Engine, select

from hotline import clock
from hotline.cases import open_support_case
from hotline.db import session_scope
from hotline.jobs.escalation import escalate_case, sweep_due_escalations
from hotline.models import AuditEvent, Contact, Coordinator, OutboxMessage, SupportCase
from hotline.phones import vault_for
from hotline.settings import Settings
from hotline.sms.coordinator import handle_coordinator_sms
from tests.clock import travel

START = dt.datetime(2025, 3, 4, 2, 0, tzinfo=dt.UTC)  # 6pm the evening before in California
MEMBER = "+15557770001"
MEMBER_WORDS = "I took all my pills tonight"
STAFF = {  # name: (number, tier, oncall, role)
    "Ana": ("+15558880001", 1, True, "responder"),
    "Ben": ("+15558880002", 1, True, "responder"),
    "Cy": ("+15558880003", 2, True, "responder"),
    "Dee": ("+15558880004", 3, True, "coordinator"),
    "Eve": ("+15558880005", 1, False, "coordinator"),
}


@pytest.fixture()
def frozen() -> Iterator[time_machine.Traveller]:
    with travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture()
def staff(database: Engine, settings: Settings) -> dict[str, int]:
    """Create the on-call ladder; return contact ids by name."""
    vault = vault_for(settings.secret_key)
    ids: dict[str, int] = {}
    with session_scope() as session:
        for name, (number, tier, oncall, role) in STAFF.items():
            contact = Contact(phone_hash=vault.index(number), phone_encrypted=vault.encrypt(number))
            session.add(contact)
            session.flush()
            session.add(
                Coordinator(
                    contact_id=contact.id, display_name=name, tier=tier, oncall=oncall, role=role
                )
            )
            ids[name] = contact.id
    return ids


def open_case(settings: Settings, level: str = "crisis", kind: str = "crisis") -> int:
    vault = vault_for(settings.secret_key)
    with session_scope() as session:
        member = Contact(phone_hash=vault.index(MEMBER), phone_encrypted=vault.encrypt(MEMBER))
        session.add(member)
        session.flush()
        case = open_support_case(
            session=session, contact_id=member.id, kind=kind, level=level, source="sms"
        )
        return case.id


def paged(staff: dict[str, int], kind: str = "sms") -> dict[str, int]:
    """Count alert rows per staff name."""
    names = {contact_id: name for name, contact_id in staff.items()}
    counts: dict[str, int] = {}
    with session_scope() as session:
        rows = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.purpose == "alert", OutboxMessage.kind == kind
            )
        ).all()
        for row in rows:
            counts[names[row.contact_id]] = counts.get(names[row.contact_id], 0) + 1
    return counts


def actions(case_id: int) -> list[str]:
    with session_scope() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == case_id).order_by(AuditEvent.id)
        ).all()
        return [event.action for event in events if event.subject_type == "case"]


def ack(settings: Settings, contact_id: int, case_id: int) -> str | None:
    with session_scope() as session:
        return handle_coordinator_sms(
            session=session,
            settings=settings,
            contact_id=contact_id,
            body=f"ack {case_id}",
            now=clock.now(),
        )


def test_opening_a_case_enqueues_the_first_step_on_the_urgent_queue(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings, redis: Redis
) -> None:
    case_id = open_case(settings)
    job = Job.fetch(f"escalate-{case_id}-0", connection=redis)
    assert job.origin == "urgent"
    assert job.func_name == "hotline.jobs.escalation.escalate_case"
    assert job.args == (case_id, 0)
    assert paged(staff) == {}
    job.perform()
    assert paged(staff) == {"Ana": 1, "Ben": 1}
    assert actions(case_id) == ["case_opened", "escalated"]


def test_no_ack_climbs_the_ladder_then_repeats_the_last_tier(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings, redis: Redis
) -> None:
    case_id = open_case(settings)
    escalate_case(case_id, 0)
    assert paged(staff) == {"Ana": 1, "Ben": 1}
    scheduled = ScheduledJobRegistry(queue=Queue("urgent", connection=redis))  # type: ignore[no-untyped-call]
    assert f"escalate-{case_id}-1" in scheduled.get_job_ids()
    # RQ's scheduler reads the machine's clock, so the job is due at the real instant.
    due = clock.real(START + dt.timedelta(minutes=3))
    assert scheduled.get_scheduled_time(f"escalate-{case_id}-1") == due

    frozen.shift(dt.timedelta(minutes=3))
    escalate_case(case_id, 1)
    assert paged(staff) == {"Ana": 1, "Ben": 1, "Cy": 1}

    frozen.shift(dt.timedelta(minutes=3))
    escalate_case(case_id, 2)
    assert paged(staff) == {"Ana": 1, "Ben": 1, "Cy": 1, "Dee": 1}

    for repeat in (2, 3):  # past the top rung it keeps paging the fallback, every wait
        frozen.shift(dt.timedelta(minutes=5))
        escalate_case(case_id, repeat + 1)
        assert paged(staff)["Dee"] == repeat
    assert paged(staff).get("Eve") is None  # off call
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        assert case is not None
        assert case.tier == 3
        assert case.escalation_version == 5
        assert case.next_escalation_at is not None
        assert case.next_escalation_at.replace(tzinfo=dt.UTC) == START + dt.timedelta(minutes=21)
    assert actions(case_id) == ["case_opened"] + ["escalated"] * 5


def test_ack_stops_the_chain(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    case_id = open_case(settings)
    escalate_case(case_id, 0)
    reply = ack(settings, staff["Ben"], case_id)
    assert reply is not None
    assert reply.startswith(f"Case {case_id} is yours.")
    frozen.shift(dt.timedelta(minutes=3))
    escalate_case(case_id, 1)  # the delayed step still fires: it must exit without paging
    escalate_case(case_id, 2)
    assert paged(staff) == {"Ana": 1, "Ben": 1}
    assert actions(case_id) == ["case_opened", "escalated", "case_acked"]
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        assert case is not None
        assert (case.status, case.next_escalation_at) == ("acked", None)


def test_a_job_run_twice_pages_once(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    case_id = open_case(settings)
    escalate_case(case_id, 0)
    escalate_case(case_id, 0)
    frozen.shift(dt.timedelta(minutes=3))
    escalate_case(case_id, 1)
    escalate_case(case_id, 1)
    escalate_case(case_id, 0)  # a stale, superseded step
    assert paged(staff) == {"Ana": 1, "Ben": 1, "Cy": 1}
    assert actions(case_id).count("escalated") == 2


def test_alerts_carry_the_case_number_and_level_only(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    case_id = open_case(settings, level="imminent")
    escalate_case(case_id, 0)
    with session_scope() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "alert")).all()
        texts = [row for row in rows if row.kind == "sms"]
        calls = [row for row in rows if row.kind == "call"]
        assert {row.body for row in texts} == {
            f"Hotline crisis case {case_id} (imminent). Reply ACK {case_id} to take it."
        }
        for row in texts:
            assert row.priority == "urgent"
            assert row.ignore_quiet_hours
            assert MEMBER[2:] not in (row.body or "")
            assert "pills" not in (row.body or "")
            assert not re.search(r"\d{7,}", row.body or "")
        assert {row.call_path for row in calls} == {f"outbound/alert/{case_id}"}
        assert all(row.priority == "urgent" and row.ignore_quiet_hours for row in calls)
    assert paged(staff, kind="call") == {"Ana": 1, "Ben": 1}


def test_crisis_level_texts_without_calling(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    case_id = open_case(settings, level="crisis")
    escalate_case(case_id, 0)
    assert paged(staff, kind="call") == {}


def test_a_talk_request_asks_for_a_call_back(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    case_id = open_case(settings, level="talk", kind="talk")
    escalate_case(case_id, 0)
    with session_scope() as session:
        bodies = set(session.scalars(select(OutboxMessage.body)).all())
    assert bodies == {
        f"Hotline: case {case_id} asks for a peer call back. Reply ACK {case_id} to take it."
    }


def test_a_second_crisis_text_joins_the_open_case(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    case_id = open_case(settings)
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        assert case is not None
        again = open_support_case(
            session=session,
            contact_id=case.contact_id,
            kind="crisis",
            level="imminent",
            source="sms",
        )
        assert again.id == case_id
        assert again.level == "imminent"
    assert actions(case_id) == ["case_opened", "case_level_raised"]


def test_nobody_on_call_pages_every_admin(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    with session_scope() as session:
        for coordinator in session.scalars(select(Coordinator)):
            coordinator.oncall = False
            if coordinator.display_name == "Dee":
                coordinator.role = "admin"
    case_id = open_case(settings)
    escalate_case(case_id, 0)
    assert paged(staff) == {"Dee": 1}  # the admin, not coordinators or responders
    assert actions(case_id) == ["case_opened", "no_oncall", "escalated"]
    frozen.shift(dt.timedelta(minutes=3))
    escalate_case(case_id, 1)
    assert paged(staff) == {"Dee": 2}


def test_nobody_at_all_pages_nobody_and_says_so_in_the_trail(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    with session_scope() as session:
        for coordinator in session.scalars(select(Coordinator)):
            coordinator.oncall = False
    case_id = open_case(settings)
    escalate_case(case_id, 0)
    assert paged(staff) == {}
    assert actions(case_id) == ["case_opened", "no_oncall", "escalated"]


def test_nobody_at_all_is_an_error_in_the_logs_and_keeps_trying(
    frozen: time_machine.Traveller,
    database: Engine,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    case_id = open_case(settings)
    with caplog.at_level(logging.ERROR, logger="hotline.jobs.escalation"):
        escalate_case(case_id, 0)
    assert f"escalation_no_recipients case_id={case_id}" in caplog.text
    assert actions(case_id) == ["case_opened", "no_oncall", "escalated"]
    assert sweep_due_escalations(START + dt.timedelta(minutes=3)) == 1


def test_the_sweep_recovers_a_lost_step(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings, redis: Redis
) -> None:
    case_id = open_case(settings)
    redis.flushdb()  # the first step's job is lost
    assert sweep_due_escalations(START - dt.timedelta(seconds=1)) == 0
    assert sweep_due_escalations(START) == 1
    Job.fetch(f"escalate-{case_id}-0", connection=redis).perform()
    assert paged(staff) == {"Ana": 1, "Ben": 1}

    redis.flushdb()  # the delayed second step is lost too
    assert sweep_due_escalations(START + dt.timedelta(minutes=2)) == 0
    frozen.shift(dt.timedelta(minutes=3))
    assert sweep_due_escalations(START + dt.timedelta(minutes=3)) == 1
    assert sweep_due_escalations(START + dt.timedelta(minutes=3)) == 1  # queued once, not twice
    assert Queue("urgent", connection=redis).job_ids.count(f"escalate-{case_id}-1") == 1
    Job.fetch(f"escalate-{case_id}-1", connection=redis).perform()
    assert paged(staff) == {"Ana": 1, "Ben": 1, "Cy": 1}


def test_the_sweep_leaves_taken_cases_alone(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    case_id = open_case(settings)
    escalate_case(case_id, 0)
    ack(settings, staff["Ana"], case_id)
    assert sweep_due_escalations(START + dt.timedelta(hours=1)) == 0


def test_a_worker_runs_the_first_step_from_the_queue(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings, redis: Redis
) -> None:
    case_id = open_case(settings, level="imminent")
    queue = Queue("urgent", connection=redis)
    worker = SimpleWorker([queue], connection=redis)
    worker.work(burst=True)
    assert paged(staff) == {"Ana": 1, "Ben": 1}
    assert paged(staff, kind="call") == {"Ana": 1, "Ben": 1}
    assert Job.fetch(f"escalate-{case_id}-0", connection=redis).get_status() == "finished"


def test_twin_jobs_racing_page_once(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings
) -> None:
    case_id = open_case(settings)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            escalate_case(case_id, 0)
        except BaseException as exc:  # a loser may fail, but must never page twice
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert paged(staff) == {"Ana": 1, "Ben": 1}
    assert actions(case_id).count("escalated") == 1


def test_the_scheduler_tick_sweeps_lost_escalations(
    frozen: time_machine.Traveller, staff: dict[str, int], settings: Settings, redis: Redis
) -> None:
    from hotline.jobs.scheduler import run_tick

    case_id = open_case(settings)
    redis.flushdb()  # the first step's job is lost with Redis
    run_tick(START)
    Job.fetch(f"escalate-{case_id}-0", connection=redis).perform()
    assert paged(staff) == {"Ana": 1, "Ben": 1}
