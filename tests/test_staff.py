"""Staff: `hotline staff …` as a deployer runs it, role checks, an honest line with nobody on."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select

from hotline import roster
from hotline.cli import main
from hotline.db import session_scope
from hotline.flows.segments import count_segments
from hotline.models import AuditEvent, Coordinator, OutboxMessage, SupportCase
from hotline.settings import Settings
from hotline.staff import can_manage_meeting, can_manage_staff, can_see_staff
from tests.clock import travel
from tests.jobs.factories import make_meeting
from tests.people import add_staff
from tests.twilio import TwilioPoster, sms_texts

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "+14155550101"
RESPONDER = "+14155550102"
MEMBER = "+14155550199"
# Monday 3 March 2025, 12:00 in Los Angeles: outside Ana's 18:00-23:00 shift.
MONDAY_NOON = dt.datetime(2025, 3, 3, 20, 0, tzinfo=dt.UTC)


def staff_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotline.cli", "staff", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False, env=dict(os.environ),
    )  # fmt: skip


def _ok(*args: str) -> str:
    result = staff_cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_staff_add_list_edit_remove_from_the_terminal(database: Engine) -> None:
    with session_scope() as session:
        make_meeting(session, code="4821")
    out = _ok("add", "--name", "Ada Admin", "--phone", "(415) 555-0101", "--role", "admin")
    assert "added staff" in out and "not on call (paged when nobody else is)" in out
    out = _ok(
        "add", "--name", "Rae", "--phone", RESPONDER, "--role", "responder", "--tier", "2",
        "--meeting", "4821", "--language", "es",
    )  # fmt: skip
    assert "on call" in out
    listing = _ok("list")
    assert "…0101" in listing and "…0102" in listing and "#4821" in listing
    assert "555-0101" not in listing and ADMIN not in listing and RESPONDER not in listing
    # A number already on the roster, a bad role and a bad number are refused in one line.
    again = staff_cli("add", "--name", "X", "--phone", ADMIN, "--role", "admin")
    assert again.returncode == 1 and "already staff" in again.stderr
    assert staff_cli("add", "--name", "X", "--phone", "12", "--role", "admin").returncode == 1
    with session_scope() as session:
        rae = session.scalars(select(Coordinator).where(Coordinator.display_name == "Rae")).one()
        rae_id = rae.id
    _ok("edit", RESPONDER, "--tier", "1")
    _ok("remove", str(rae_id))
    assert "…0102" not in _ok("list")
    with session_scope() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        staff_events = [(e.action, e.subject_id) for e in events if e.subject_type == "coordinator"]
        assert staff_events[-3:] == [
            ("staff_added", rae_id),
            ("staff_edited", rae_id),
            ("staff_removed", rae_id),
        ]
        trail = repr([(e.actor, e.detail) for e in events])
        assert "Rae" not in trail and "0102" not in trail
        assert all(e.actor == "cli" for e in events if e.subject_type == "coordinator")
        welcomes = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.purpose == "staff")
        ).all()
    assert len(welcomes) == 2
    assert any("admin" in body and "STOP" in body for body in welcomes if body)
    assert any("nivel 2" in body and "ONCALL OFF" in body for body in welcomes if body)
    assert all(body and count_segments(body).segments == 1 for body in welcomes)
    # Only admins are the fallback: a coordinator off call is never paged.
    out = _ok("add", "--name", "Cy", "--phone", "+14155550103", "--role", "coordinator")
    assert "not on call;" in out and "paged" not in out and "fallback" not in out


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_volunteers_welcome_says_what_the_warm_line_will_text(language: str) -> None:
    # It said "For now the line texts you only /admin sign-in codes", then TALK offers came.
    from hotline.catalogs import catalog

    body = catalog(language).t("staff.welcome_volunteer", tier=1, codes="")
    assert "TAKE" in body and "STOP" in body and "/admin" in body
    assert count_segments(body).segments == 1


@pytest.fixture()
def monday_noon() -> Iterator[None]:
    with travel(MONDAY_NOON, tick=True):
        yield


def _in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `hotline staff …` in this process, so its clock is the test's."""
    code = main(["staff", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("monday_noon")
def test_staff_oncall_shows_and_sets_shifts(
    database: Engine, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    ana = str(add_staff(settings, RESPONDER, "responder", name="Ana"))
    shift = ("--shift", "mon 18:00-23:00", "--tz", "America/Los_Angeles")
    code, out, _ = _in_process(capsys, "oncall", ana, "--clear", *shift)
    assert code == 0
    assert "on call now: none" in out
    assert "mon 18:00-23:00 America/Los_Angeles" in out
    assert "next shift starts 2025-03-04 02:00 UTC" in out
    code, out, _ = _in_process(capsys, "oncall", ana, "--on")
    assert "on call now: ok" in out and "on until 2025-03-04 02:00 UTC" in out
    code, _, err = _in_process(capsys, "oncall", ana, "--shift", "someday 9-5")
    assert code == 1 and "mon 18:00-23:00" in err
    code, out, _ = _in_process(capsys, "oncall", ana, "--clear", "--off")
    ana_line = next(line for line in out.splitlines() if line.endswith("Ana"))
    assert "[off (no shifts)]" in ana_line and ana_line.count("no shifts") == 1, ana_line


def test_role_checks(database: Engine, settings: Settings) -> None:
    with session_scope() as session:
        mine, theirs = make_meeting(session, code="4821"), make_meeting(session, code="4452")
        admin = Coordinator(contact_id=0, display_name="A", role="admin")
        coordinator = Coordinator(contact_id=0, display_name="C", role="coordinator", id=2)
        coordinator.meetings = [mine]
        responder = Coordinator(contact_id=0, display_name="R", role="responder", id=3)
        responder.meetings = [mine]
        outsider = Coordinator(contact_id=0, display_name="O", role="responder", id=4)
        outsider.meetings = [theirs]
        assert can_manage_meeting(admin, theirs)
        assert can_manage_meeting(coordinator, mine) and not can_manage_meeting(coordinator, theirs)
        assert not can_manage_meeting(responder, mine)
        assert can_see_staff(coordinator, responder) and not can_see_staff(coordinator, outsider)
        assert can_manage_staff(coordinator, "responder", [mine])
        assert not can_manage_staff(coordinator, "admin", [mine])
        assert not can_manage_staff(coordinator, "responder", [theirs])
        assert not can_manage_staff(responder, "responder", [mine])
        session.expunge_all()


# Nobody on call -------------------------------------------------------------------------------


def _reply(twilio: TwilioPoster, body: str) -> str:
    (reply,) = sms_texts(twilio.sms(MEMBER, body))
    return reply


@pytest.mark.usefixtures("database")
def test_crisis_with_nobody_at_all_says_nobody_can_call_back(twilio: TwilioPoster) -> None:
    reply = _reply(twilio, "i want to kill myself")
    assert "988" in reply and "Nobody from this line can call you back right now." in reply
    assert "alerting someone" not in reply
    with session_scope() as session:
        assert session.scalars(select(SupportCase)).one().kind == "crisis"


@pytest.mark.usefixtures("monday_noon")
def test_talk_with_nobody_on_call_says_when_someone_is(
    twilio: TwilioPoster, settings: Settings
) -> None:
    ana = add_staff(settings, RESPONDER, "responder", name="Ana")
    with session_scope() as session:
        staff = session.get(Coordinator, ana)
        assert staff is not None
        roster.add_shift(
            session=session,
            staff=staff,
            text="mon 18:00-23:00",
            time_zone="America/Los_Angeles",
            actor="test",
        )
    reply = _reply(twilio, "TALK")
    # The member's number (415) is in Los Angeles: the time is told in the member's zone.
    assert reply.startswith(
        "Nobody can call you back right now; someone is next on call from Mon 6:00pm"
    )
    assert "988" in reply and count_segments(reply).segments == 1
    add_staff(settings, ADMIN, "admin", name="Ada")  # the admins are the fallback
    with session_scope() as session:
        session.execute(delete(SupportCase))
    assert "will call you back soon" in _reply(twilio, "TALK")
