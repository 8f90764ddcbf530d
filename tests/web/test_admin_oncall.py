"""/admin/oncall through the real app: who would be paged, by tier, and the red warning."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from hotline.db import session_scope
from hotline.models import Coordinator, StaffShift
from hotline.settings import Settings
from tests.clock import travel
from tests.web.test_admin import add_staff, sign_in


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
