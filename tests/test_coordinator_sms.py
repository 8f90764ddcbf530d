"""Staff SMS dialogues against the real database and Redis: cases, on call, broadcast, cancel."""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import Engine, select

from hotline.cases import flag_stop_during_open_case, open_support_case
from hotline.db import session_scope
from hotline.flows.segments import count_segments
from hotline.models import (
    AuditEvent,
    Contact,
    Coordinator,
    Group,
    Meeting,
    MeetingCancellation,
    OutboxMessage,
    Subscription,
    SupportCase,
)
from hotline.phones import vault_for
from hotline.settings import Settings
from hotline.sms.coordinator import handle_coordinator_sms
from tests.clock import travel

NOW = dt.datetime(2025, 3, 3, 20, 0, tzinfo=dt.UTC)  # Monday, noon in California
_numbers = iter(range(1000))


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with travel(NOW, tick=False):
        yield


def add_contact(settings: Settings, language: str = "en", **fields: Any) -> int:
    vault = vault_for(settings.secret_key)
    number = f"+1555444{next(_numbers):04d}"
    with session_scope() as session:
        contact = Contact(
            phone_hash=vault.index(number),
            phone_encrypted=vault.encrypt(number),
            language=language,
            **fields,
        )
        session.add(contact)
        session.flush()
        return contact.id


def add_staff(settings: Settings, name: str, role: str = "responder", **fields: Any) -> int:
    contact_id = add_contact(settings)
    with session_scope() as session:
        session.add(Coordinator(contact_id=contact_id, display_name=name, role=role, **fields))
    return contact_id


def text(settings: Settings, contact_id: int, body: str) -> str | None:
    with session_scope() as session:
        return handle_coordinator_sms(
            session=session, settings=settings, contact_id=contact_id, body=body, now=NOW
        )


def new_case(settings: Settings, level: str = "crisis") -> tuple[int, int]:
    member = add_contact(settings)
    with session_scope() as session:
        case = open_support_case(
            session=session, contact_id=member, kind="crisis", level=level, source="sms"
        )
        return case.id, member


def get_case(case_id: int) -> SupportCase:
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        assert case is not None
        return case


def outbox(**where: Any) -> list[OutboxMessage]:
    with session_scope() as session:
        statement = select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        return list(session.scalars(statement).all())


def audit_actions() -> list[str]:
    with session_scope() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all())


@pytest.fixture()
def meeting(database: Engine, settings: Settings) -> int:
    """Meeting #4821 on Tuesdays at 7pm in California, with three subscribers and two others."""
    with session_scope() as session:
        group = Group(slug="tuesday-circle", name="Tuesday Circle")
        session.add(group)
        session.flush()
        row = Meeting(
            group_id=group.id,
            slug="tuesday-circle-evening",
            code="4821",
            name="Tuesday Circle",
            weekday=1,
            start_time=dt.time(19, 0),
            time_zone="America/Los_Angeles",
        )
        session.add(row)
        session.flush()
        meeting_id = row.id
    members = [add_contact(settings), add_contact(settings), add_contact(settings, "es")]
    gone = add_contact(settings, opted_out_at=NOW)
    ended = add_contact(settings)
    with session_scope() as session:
        for contact_id in [*members, gone]:
            session.add(Subscription(contact_id=contact_id, meeting_id=meeting_id))
        session.add(Subscription(contact_id=ended, meeting_id=meeting_id, ended_at=NOW))
    return meeting_id


# Not staff, not a command ---------------------------------------------------------------------


def test_members_and_member_words_are_left_to_the_member_flow(
    database: Engine, settings: Settings, meeting: int
) -> None:
    member = add_contact(settings)
    staff = add_staff(settings, "Ana")
    assert text(settings, member, "ACK 1") is None
    for body in ("FIND 94110", "CANCEL", "STOP", "YES", "CALL 4821", "hello"):
        assert text(settings, staff, body) is None, body
    assert text(settings, staff, "ACK") == (
        "Staff commands: ACK n, CALL n, DONE n, ONCALL ON or OFF, BROADCAST # text, CANCEL #."
    )


# ACK, DONE, CALL ------------------------------------------------------------------------------


def test_ack_takes_the_case_once(database: Engine, settings: Settings) -> None:
    ana, ben = add_staff(settings, "Ana"), add_staff(settings, "Ben")
    case_id, _ = new_case(settings)
    assert text(settings, ana, f"ack {case_id}") == (
        f"Case {case_id} is yours. Reply CALL {case_id} to call them through the hotline, "
        f"DONE {case_id} when finished."
    )
    case = get_case(case_id)
    assert case.status == "acked"
    assert case.acked_at is not None
    assert case.next_escalation_at is None
    assert text(
        settings,
        ana,
        f"ACK {case_id}",
    ) == text(settings, ana, f"ack {case_id}")
    assert text(settings, ben, f"ACK {case_id}") == f"Case {case_id} is already with Ana."
    assert text(settings, ben, "ACK 999999") == (
        "There is no case 999999. Check the number in the alert."
    )
    assert audit_actions().count("case_acked") == 1


def test_done_closes_for_the_holder_or_a_coordinator(database: Engine, settings: Settings) -> None:
    ana, ben = add_staff(settings, "Ana"), add_staff(settings, "Ben")
    lead = add_staff(settings, "Lee", role="coordinator")
    first, _ = new_case(settings)
    text(settings, ana, f"ACK {first}")
    assert text(settings, ben, f"DONE {first}") == (
        f"Case {first} is with Ana. Only they or a coordinator can close it."
    )
    assert text(settings, ana, f"DONE {first}") == (
        f"Case {first} is closed. Thank you for being there."
    )
    assert get_case(first).status == "closed"
    assert text(settings, ana, f"DONE {first}") == f"Case {first} is closed."
    assert text(settings, ana, f"ACK {first}") == f"Case {first} is closed."

    second, _ = new_case(settings)
    text(settings, ana, f"ACK {second}")
    assert text(settings, lead, f"done {second}") == (
        f"Case {second} is closed. Thank you for being there."
    )
    assert audit_actions().count("case_closed") == 2


def test_call_rings_the_responder_for_a_masked_bridge(database: Engine, settings: Settings) -> None:
    ana, ben = add_staff(settings, "Ana"), add_staff(settings, "Ben")
    case_id, _ = new_case(settings)
    reply = text(settings, ana, f"CALL {case_id}")  # calling back an open case takes it
    assert reply == (
        f"Calling you now. Answer to be connected to case {case_id}; both numbers stay hidden."
    )
    assert get_case(case_id).status == "acked"
    (call,) = outbox(kind="call")
    assert (call.contact_id, call.call_path) == (ana, f"outbound/bridge/{case_id}")
    assert call.priority == "urgent"
    assert call.ignore_quiet_hours
    assert text(settings, ben, f"CALL {case_id}") == f"Case {case_id} is already with Ana."
    assert len(outbox(kind="call")) == 1
    assert "callback_requested" in audit_actions()


def test_call_with_a_meeting_code_is_a_member_call(
    database: Engine, settings: Settings, meeting: int
) -> None:
    ana = add_staff(settings, "Ana")
    assert text(settings, ana, "CALL 4821") is None
    assert (
        text(settings, ana, "CALL 4822") == "There is no case 4822. Check the number in the alert."
    )


# ONCALL -----------------------------------------------------------------------------------


def test_oncall_on_and_off(database: Engine, settings: Settings) -> None:
    ana = add_staff(settings, "Ana", tier=2)
    ben = add_staff(settings, "Ben")
    assert text(settings, ana, "ONCALL ON") == "You are on call (tier 2). Reply ONCALL OFF to stop."
    assert text(settings, ben, "oncall on") is not None
    assert text(settings, ben, "on call off") == "You are off call. Reply ONCALL ON to return."
    assert text(settings, ana, "ONCALL OFF") == (
        "You are off call. Nobody is on call now, so alerts go to every admin."
    )
    with session_scope() as session:
        assert not any(session.scalars(select(Coordinator.oncall)))
    assert audit_actions() == ["oncall_on", "oncall_on", "oncall_off", "oncall_off"]


# BROADCAST and YES ------------------------------------------------------------------------


@pytest.fixture()
def broadcast_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Stand in for the outbound pipeline's broadcast job, recording how it is called."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def prepare_broadcast(**kwargs: Any) -> Any:
        calls.append(("prepare", kwargs))
        return types.SimpleNamespace(id=77, recipients=3)

    def confirm_broadcast(**kwargs: Any) -> None:
        calls.append(("confirm", kwargs))

    module = types.ModuleType("hotline.jobs.broadcast")
    module.prepare_broadcast = prepare_broadcast  # type: ignore[attr-defined]
    module.confirm_broadcast = confirm_broadcast  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hotline.jobs.broadcast", module)
    return calls


def test_broadcast_asks_then_yes_sends(
    settings: Settings,
    meeting: int,
    redis: Redis,
    broadcast_calls: list[tuple[str, dict[str, Any]]],
) -> None:
    lee = add_staff(settings, "Lee", role="coordinator")
    assert text(settings, lee, "BROADCAST 4821 Room B tonight, see you there") == (
        "Send to the members of #4821 (3)? Reply YES within 10 minutes."
    )
    assert broadcast_calls == []
    assert 0 < (redis.ttl(f"hotline:staff:{lee}:broadcast") or 0) <= 600
    assert text(settings, lee, "yes") == "Sending to the members of #4821 (3)."
    (prepare, prepare_args), (confirm, confirm_args) = broadcast_calls
    assert (prepare, confirm) == ("prepare", "confirm")
    with session_scope() as session:
        coordinator_id = session.scalars(
            select(Coordinator.id).where(Coordinator.contact_id == lee)
        ).one()
    assert prepare_args["coordinator_id"] == coordinator_id
    assert prepare_args["meeting_id"] == meeting
    assert prepare_args["body"] == "Room B tonight, see you there"
    assert confirm_args["broadcast_id"] == 77
    assert text(settings, lee, "YES") is None  # nothing pending: the member flow's YES
    assert len(broadcast_calls) == 2


def test_a_late_yes_is_told_the_broadcast_expired(
    settings: Settings,
    meeting: int,
    redis: Redis,
    broadcast_calls: list[tuple[str, dict[str, Any]]],
) -> None:
    lee = add_staff(settings, "Lee", role="coordinator")
    text(settings, lee, "BROADCAST 4821 hello")
    redis.delete(f"hotline:staff:{lee}:broadcast")  # the confirmation window passed
    assert text(settings, lee, "YES") == (
        "That broadcast expired. Send BROADCAST 4821 and your text again."
    )
    assert broadcast_calls == []


def test_broadcast_refusals(database: Engine, settings: Settings, meeting: int) -> None:
    lee = add_staff(settings, "Lee", role="coordinator")
    ana = add_staff(settings, "Ana")
    with session_scope() as session:
        other = Group(slug="other", name="Other")
        session.add(other)
        session.flush()
        other_id = other.id
    far = add_staff(settings, "Far", role="coordinator", group_id=other_id)
    assert text(settings, ana, "BROADCAST 4821 hi") == (
        "Only coordinators can do that. Ask your coordinator."
    )
    assert text(settings, lee, "BROADCAST 9999 hi") == "There is no meeting #9999."
    assert (
        text(settings, lee, "BROADCAST 4821") == "Add your message: BROADCAST 4821 then your text."
    )
    assert text(settings, far, "BROADCAST 4821 hi") == "Meeting #4821 is not one of your groups."
    assert text(settings, far, "CANCEL 4821") == "Meeting #4821 is not one of your groups."


# CANCEL -------------------------------------------------------------------------------------


def test_cancel_the_next_occurrence_and_tell_its_members(
    database: Engine, settings: Settings, meeting: int
) -> None:
    lee = add_staff(settings, "Lee", role="coordinator")
    assert text(settings, lee, "cancel 4821") == (
        "Meeting #4821 on Tue 3/4 7:00pm is cancelled. Members told: 3."
    )
    with session_scope() as session:
        (cancelled,) = session.scalars(select(MeetingCancellation)).all()
        assert (cancelled.meeting_id, cancelled.occurs_on) == (meeting, dt.date(2025, 3, 4))
    rows = outbox(purpose="cancel")
    assert [row.body for row in rows] == [
        # In person, to members whose zone the line does not know: the meeting's zone, named
        # (and the DST change between the two dates with it).
        "Hotline: Tuesday Circle (#4821) on Tue 3/4 7:00pm PST is cancelled. "
        "The next one is Tue 3/11 7:00pm PDT.",
    ] * 2 + [
        "Hotline: Tuesday Circle (#4821) del mar 4/3 19:00 PST se cancela. "
        "La proxima es mar 11/3 19:00 PDT."
    ]
    assert text(settings, lee, "CANCEL 4821") == (
        "Meeting #4821 on Tue 3/4 7:00pm was already cancelled."
    )
    assert len(outbox(purpose="cancel")) == 3
    assert audit_actions() == ["meeting_cancelled"]


# STOP during a case ---------------------------------------------------------------------------


def test_stop_during_an_open_case_flags_it_and_tells_the_holder(
    database: Engine, settings: Settings
) -> None:
    ana = add_staff(settings, "Ana")
    case_id, member = new_case(settings)
    text(settings, ana, f"ACK {case_id}")
    with session_scope() as session:
        assert flag_stop_during_open_case(session=session, contact_id=member)
    assert get_case(case_id).needs_review
    (note,) = outbox(purpose="alert", contact_id=ana)
    assert note.body == (
        f"Case {case_id}: the member texted STOP and gets no more texts. Please review."
    )
    assert "stop_during_case" in audit_actions()


def test_stop_without_a_case_flags_nothing(database: Engine, settings: Settings) -> None:
    member = add_contact(settings)
    with session_scope() as session:
        assert not flag_stop_during_open_case(session=session, contact_id=member)
    case_id, member = new_case(settings)
    ana = add_staff(settings, "Ana")
    text(settings, ana, f"DONE {case_id}")
    with session_scope() as session:
        assert not flag_stop_during_open_case(session=session, contact_id=member)


def test_yes_confirms_a_real_broadcast(settings: Settings, meeting: int, redis: Redis) -> None:
    from hotline.models import Broadcast as BroadcastRow

    lee = add_staff(settings, "Lee", role="coordinator")
    assert text(settings, lee, "BROADCAST 4821 Room B tonight") == (
        "Send to the members of #4821 (3)? Reply YES within 10 minutes."
    )
    reply = text(settings, lee, "YES")
    with session_scope() as session:
        (row,) = session.scalars(select(BroadcastRow)).all()
        assert (row.meeting_id, row.body, row.status) == (meeting, "Room B tonight", "confirmed")
        assert reply == f"Sending to the members of #4821 ({row.recipients})."
    assert "broadcast_confirmed" in audit_actions()


# Quiet hours ----------------------------------------------------------------------------------

NIGHT = dt.datetime(2025, 3, 4, 6, 0, tzinfo=dt.UTC)  # Monday 10pm in California


def test_confirmations_say_when_quiet_hours_let_texts_go(
    settings: Settings, meeting: int, redis: Redis
) -> None:
    lee = add_staff(settings, "Lee", role="coordinator")
    with travel(NIGHT, tick=False):
        text(settings, lee, "BROADCAST 4821 Room B tonight")
        with session_scope() as session:
            reply = handle_coordinator_sms(
                session=session, settings=settings, contact_id=lee, body="YES", now=NIGHT
            )
            cancel = handle_coordinator_sms(
                session=session, settings=settings, contact_id=lee, body="CANCEL 4821", now=NIGHT
            )
    assert reply == (
        "Sending to the members of #4821 (3). Quiet hours: 3 will be texted from 8:00am their time."
    )
    assert cancel is not None and cancel.endswith(
        "Members told: 3. Quiet hours: 3 will be texted from 8:00am their time."
    )
    assert count_segments(cancel).segments == 1
