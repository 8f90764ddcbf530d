"""/admin/oncall through the real app: who would be paged, by tier, and the red warning."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline import oncall
from hotline.db import session_scope
from hotline.models import AuditEvent, Coordinator, StaffShift
from hotline.outbox import aware
from hotline.settings import Settings
from tests import people
from tests.clock import travel
from tests.web.test_admin import STAFF_PHONE, add_staff, csrf_of, sign_in


@pytest.fixture()
def admin(client: TestClient) -> TestClient:
    client.base_url = "https://testserver"
    return client


def test_nobody_on_call_is_shown_in_red(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    sign_in(admin)
    page = admin.get("/admin/oncall").text
    assert 'id="nobody-on-call"' in page and "You are not on call." in page


def test_staff_on_call_by_tier(admin: TestClient, settings: Settings) -> None:
    me = add_staff(settings)
    second = add_staff(settings, "+15550100002", "Rui Responder")
    with session_scope() as session:
        for staff_id, tier in ((me, 1), (second, 2)):
            staff = session.get(Coordinator, staff_id)
            assert staff is not None
            staff.oncall, staff.tier = True, tier
    sign_in(admin)

    page = admin.get("/admin/oncall").text
    spanish = admin.get("/admin/language/es?next=/admin/oncall").text

    assert 'id="nobody-on-call"' not in page and "You are on call (tier 1)." in page
    assert '<ul id="tier-1"><li>Dana Coordinator</li></ul>' in page
    assert '<ul id="tier-2"><li>Rui Responder</li></ul>' in page
    assert "Nivel 2" in spanish and "+1555" not in page
    assert admin.get("/admin/oncall").status_code == 200


def test_who_is_on_comes_from_the_rota(admin: TestClient, settings: Settings) -> None:
    """A shift makes its staff on call without the flag; an ONCALL OFF override takes them off."""
    me = add_staff(settings)
    second = add_staff(settings, "+15550100002", "Rui Responder")
    monday_ten = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # a Monday
    with session_scope() as session:
        session.add(
            StaffShift(
                staff_id=second, weekday=0, start_time=dt.time(9), minutes=180, time_zone="UTC"
            )
        )
        mine = session.get(Coordinator, me)
        assert mine is not None
        mine.oncall, mine.oncall_until = False, monday_ten + dt.timedelta(days=1)
    with travel(monday_ten):
        sign_in(admin)
        page = admin.get("/admin/oncall").text
    with travel(monday_ten + dt.timedelta(hours=4)):  # the shift is over
        later = admin.get("/admin/oncall").text

    assert "<li>Rui Responder</li>" in page and 'id="nobody-on-call"' not in page
    assert "Dana Coordinator</li>" not in page and "You are not on call." in page
    assert 'id="nobody-on-call"' in later


# The rota on the page: gaps in red, shifts and overrides edited by admins -------------------

MONDAY_TEN = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # a Monday


def _rota(settings: Settings) -> tuple[int, int]:
    """An admin (tier 2, no shifts, off) and a tier-1 responder on Mondays 09:00-12:00 UTC."""
    boss = people.add_staff(settings, STAFF_PHONE, "admin", name="Ada Admin", tier=2)
    rae = people.add_staff(settings, "+15550100002", "responder", name="Rae Responder")
    with session_scope() as session:
        session.add(
            StaffShift(staff_id=rae, weekday=0, start_time=dt.time(9), minutes=180, time_zone="UTC")
        )
    return boss, rae


def _post(admin: TestClient, path: str, **fields: str) -> httpx.Response:
    token = csrf_of(admin.get("/admin/oncall").text)
    response: httpx.Response = admin.post(path, data={"csrf": token, **fields})
    return response


def _audit() -> list[tuple[str, str, int | None]]:
    with session_scope() as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.subject_id).order_by(
                AuditEvent.id
            )
        )
        return [(a, b, c) for a, b, c in rows if b.startswith(("shift", "oncall"))]


def test_gaps_in_the_next_seven_days_come_from_the_rota(settings: Settings) -> None:
    boss, rae = _rota(settings)
    with session_scope() as session:
        found = oncall.gaps(session=session, now=MONDAY_TEN)
    # Tier 1 is covered Monday 09:00-12:00 only; tier 2 (an admin without shifts, off) never.
    assert found[1] == [
        oncall.Gap(
            1, MONDAY_TEN + dt.timedelta(hours=2), MONDAY_TEN + dt.timedelta(days=7, hours=-1)
        )
    ]
    assert found[2] == [oncall.Gap(2, MONDAY_TEN, MONDAY_TEN + dt.timedelta(days=7))]
    with session_scope() as session:
        admin_row = session.get(Coordinator, boss)
        assert admin_row is not None
        oncall.set_oncall(session=session, staff=admin_row, on=True, now=MONDAY_TEN)
        assert oncall.gaps(session=session, now=MONDAY_TEN)[2] == []  # on until changed
        assert rae in {p.id for p in oncall.on_call(session=session, now=MONDAY_TEN)}


def test_the_page_shows_gaps_in_red_in_both_languages(
    admin: TestClient, settings: Settings
) -> None:
    _rota(settings)
    with travel(MONDAY_TEN):
        sign_in(admin)
        page = admin.get("/admin/oncall").text
        spanish = admin.get("/admin/language/es?next=/admin/oncall").text

    assert 'class="error" role="alert" id="gaps-1"' in page
    assert "Monday 2026-03-02 12:00 to Monday 2026-03-09 09:00" in page
    assert "Monday 09:00–12:00 (UTC)" in page and "off (no shifts)" in page
    assert "lunes 2026-03-02 12:00 a lunes 2026-03-09 09:00" in spanish.lower()
    assert "Añadir un turno semanal" in spanish
    assert "+1555" not in page and "0100002" not in page


def test_an_admin_adds_and_removes_shifts_and_sets_overrides(
    admin: TestClient, settings: Settings
) -> None:
    boss, rae = _rota(settings)
    with travel(MONDAY_TEN):
        sign_in(admin)
        added = _post(
            admin,
            "/admin/oncall/shifts",
            staff_id=str(rae),
            weekday="2",
            start="22:00",
            end="06:00",
            time_zone="America/Chicago",
        )
        assert "Shift added for Rae Responder." in added.text
        assert "Wednesday 22:00–06:00 (America/Chicago)" in added.text
        with session_scope() as session:
            new = session.scalars(select(StaffShift).where(StaffShift.weekday == 2)).one()
            assert (new.minutes, new.staff_id) == (480, rae)
        removed = _post(admin, f"/admin/oncall/shifts/{new.id}/remove")
        assert "Shift removed from Rae Responder." in removed.text
        assert "Wednesday 22:00" not in removed.text
        off = _post(admin, "/admin/oncall/override", staff_id=str(rae), state="off")
        assert "On-call override set for Rae Responder." in off.text
        assert 'id="nobody-on-call"' in off.text  # Rae was the only one on
        bad = _post(admin, "/admin/oncall/shifts", staff_id=str(rae), weekday="9", start="x")
        assert "Choose a staff member, a day" in bad.text

    assert _audit() == [
        (f"coordinator:{boss}", "shift_added", rae),
        (f"coordinator:{boss}", "shift_removed", rae),
        (f"coordinator:{boss}", "oncall_off", rae),
    ]
    with session_scope() as session:
        rae_row = session.get(Coordinator, rae)
        assert rae_row is not None and rae_row.oncall is False
        assert rae_row.oncall_until is not None  # until her shift ends at noon
        assert aware(rae_row.oncall_until) == MONDAY_TEN.replace(hour=12)


def test_a_responder_sets_only_their_own_override_and_never_the_shifts(
    admin: TestClient, settings: Settings
) -> None:
    boss, rae = _rota(settings)
    with travel(MONDAY_TEN):
        sign_in(admin, "+15550100002")
        page = admin.get("/admin/oncall").text
        assert "Add a weekly shift" not in page and "/admin/oncall/shifts/" not in page
        assert (
            _post(admin, "/admin/oncall/override", staff_id=str(boss), state="on").status_code
            == 403
        )
        shift = _post(
            admin,
            "/admin/oncall/shifts",
            staff_id=str(rae),
            weekday="1",
            start="09:00",
            end="10:00",
            time_zone="UTC",
        )
        assert shift.status_code == 403
        mine = _post(admin, "/admin/oncall/override", staff_id=str(rae), state="off")
        assert "On-call override set for Rae Responder." in mine.text
        no_token = admin.post("/admin/oncall/override", data={"staff_id": str(rae), "state": "on"})
        assert no_token.status_code == 403
    assert _audit() == [(f"coordinator:{rae}", "oncall_off", rae)]
