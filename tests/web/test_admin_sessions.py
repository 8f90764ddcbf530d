"""Dashboard sessions live in Redis (sign-out and removal revoke them); sign-in is limited."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from starlette.testclient import TestClient

from hotline.admin_auth import revoke_sessions
from hotline.db import session_scope
from hotline.models import Coordinator
from hotline.queues import get_redis
from hotline.settings import Settings
from tests.web.test_admin import (
    STAFF_PHONE,
    add_staff,
    ask_code,
    csrf_of,
    enter_code,
    login_rows,
    sign_in,
)


@pytest.fixture()
def admin(client: TestClient) -> TestClient:
    client.base_url = "https://testserver"
    return client


def _copy_of(admin: TestClient, settings: Settings) -> TestClient:
    """Another browser holding a copy of the signed-in cookie."""
    from hotline.web.app import create_app

    other = TestClient(create_app(settings), base_url="https://testserver")
    other.cookies.set("hotline_admin", admin.cookies["hotline_admin"], path="/admin")
    return other


def test_a_copied_cookie_stops_working_after_sign_out(
    admin: TestClient, settings: Settings
) -> None:
    add_staff(settings)
    page = sign_in(admin)
    thief = _copy_of(admin, settings)
    assert thief.get("/admin/").url.path == "/admin/"
    admin.post("/admin/sign-out", data={"csrf": csrf_of(page)})
    assert thief.get("/admin/").url.path == "/admin/sign-in"


def test_revoking_a_staff_members_sessions_signs_out_every_browser(
    admin: TestClient, settings: Settings
) -> None:
    staff_id = add_staff(settings)
    sign_in(admin)
    copy = _copy_of(admin, settings)
    assert revoke_sessions(redis=get_redis(), coordinator_id=staff_id) == 1
    assert admin.get("/admin/").url.path == "/admin/sign-in"
    assert copy.get("/admin/").url.path == "/admin/sign-in"


def test_a_removed_staff_member_is_signed_out(admin: TestClient, settings: Settings) -> None:
    staff_id = add_staff(settings)
    sign_in(admin)
    with session_scope() as session:
        session.execute(delete(Coordinator).where(Coordinator.id == staff_id))
    assert admin.get("/admin/").url.path == "/admin/sign-in"


def test_the_cookie_holds_no_staff_id(admin: TestClient, settings: Settings) -> None:
    import base64
    import json

    add_staff(settings)
    sign_in(admin)
    payload = admin.cookies["hotline_admin"].split(".")[0]
    data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) <= {"sid", "csrf", "note"} and "sid" in data


@pytest.fixture()
def strict(settings: Settings) -> Iterator[TestClient]:
    """The dashboard with tight sign-in limits: 3 requests per address, 2 codes per number."""
    from hotline.web.app import create_app

    tight = dataclasses.replace(settings, sign_in_per_address=3, sign_in_codes_per_number=2)
    with TestClient(
        create_app(tight), base_url="https://testserver", raise_server_exceptions=False
    ) as client:
        yield client


def test_one_address_may_ask_for_only_so_many_codes(strict: TestClient, settings: Settings) -> None:
    add_staff(settings)
    answers = [ask_code(strict, f"+1555020{n:04d}").status_code for n in range(3)]
    assert answers == [200, 200, 200]
    refused = ask_code(strict, STAFF_PHONE)
    assert refused.status_code == 429
    assert "Too many sign-in attempts from this network" in refused.text
    assert login_rows() == []


def test_one_number_gets_only_so_many_codes_and_the_page_does_not_say(
    strict: TestClient, settings: Settings
) -> None:
    add_staff(settings)
    first, second = ask_code(strict, STAFF_PHONE), ask_code(strict, STAFF_PHONE)
    strict.cookies.clear()  # even from a fresh browser
    third = ask_code(strict, STAFF_PHONE)
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200]
    assert third.text.count("a code is on its way") == 1
    assert len(login_rows()) == 2


def test_one_address_may_try_only_so_many_codes(strict: TestClient, settings: Settings) -> None:
    add_staff(settings)
    ask_code(strict, STAFF_PHONE)
    statuses = [enter_code(strict, "000000").status_code for _ in range(16)]
    assert statuses[:15] == [400] * 15 and statuses[15] == 429


def test_the_cookie_is_secure_only_when_the_public_url_is_https(settings: Settings) -> None:
    from hotline.web.app import create_app

    for public_url, secure in (("https://hotline.example.org", True), ("http://localhost", False)):
        app = create_app(dataclasses.replace(settings, public_url=public_url))
        with TestClient(app, base_url="https://testserver") as client:
            cookie = client.get("/admin/sign-in").headers["set-cookie"].lower()
        assert ("secure" in cookie) is secure, public_url
