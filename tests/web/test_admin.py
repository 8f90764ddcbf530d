"""The coordinator dashboard through the real app: code sign-in, CSRF, ACK/DONE, privacy."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline import clock
from hotline.admin_auth import MAX_TRIES, CodeResult, check_code, pending_key
from hotline.cases import open_support_case, take_case
from hotline.db import session_scope
from hotline.models import (
    AuditEvent,
    Broadcast,
    Coordinator,
    Group,
    Meeting,
    OutboxMessage,
    Room,
    SupportCase,
)
from hotline.queues import get_redis
from hotline.sealed import open_text
from hotline.settings import Settings, get_settings
from tests.people import add_contact

STAFF_PHONE = "+15550100001"
MEMBER_PHONE = "+15551234567"
CODE_SENT = "If that number belongs to staff of this line, a code is on its way."


# Helpers, shared with the browser test ------------------------------------------------------


def add_staff(settings: Settings, number: str = STAFF_PHONE, name: str = "Dana Coordinator") -> int:
    contact_id = add_contact(settings, number)
    with session_scope() as session:
        staff = Coordinator(contact_id=contact_id, display_name=name, role="coordinator")
        session.add(staff)
        session.flush()
        return staff.id


def open_case(settings: Settings, number: str = MEMBER_PHONE, level: str = "crisis") -> int:
    member = add_contact(settings, number)
    with session_scope() as session:
        case = open_support_case(
            session=session, contact_id=member, kind="crisis", level=level, source="sms"
        )
        return case.id


def login_rows() -> list[OutboxMessage]:
    with session_scope() as session:
        statement = select(OutboxMessage).where(OutboxMessage.purpose == "login")
        return list(session.scalars(statement.order_by(OutboxMessage.id)))


def texted_code() -> str:
    """Read the newest sign-in code as the sender would text it (the row holds a stand-in)."""
    settings = get_settings()
    row_id = login_rows()[-1].id
    body = open_text(redis=get_redis(), secret_key=settings.secret_key, outbox_id=row_id) or ""
    found = re.search(r"\b(\d{6})\b", body)
    assert found is not None, "no code in the login text"
    return found.group(1)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


# Fixtures -----------------------------------------------------------------------------------


@pytest.fixture()
def admin(client: TestClient) -> TestClient:
    # The session cookie is Secure when the public URL is https, as it is in tests.
    client.base_url = "https://testserver"
    return client


def ask_code(admin: TestClient, phone: str) -> httpx.Response:
    token = csrf_of(admin.get("/admin/sign-in").text)
    response: httpx.Response = admin.post("/admin/sign-in", data={"phone": phone, "csrf": token})
    return response


def enter_code(admin: TestClient, code: str) -> httpx.Response:
    token = csrf_of(admin.get("/admin/code").text)
    response: httpx.Response = admin.post(
        "/admin/code", data={"code": code, "csrf": token}, follow_redirects=False
    )
    return response


def sign_in(admin: TestClient, phone: str = STAFF_PHONE) -> str:
    ask_code(admin, phone)
    assert enter_code(admin, texted_code()).status_code == 303
    page = admin.get("/admin/")
    assert page.url.path == "/admin/"
    return str(page.text)


# Sign-in ------------------------------------------------------------------------------------


def test_signed_out_pages_redirect_to_sign_in(admin: TestClient) -> None:
    for path in ("/admin/", "/admin", "/admin/code"):
        response = admin.get(path)
        assert response.url.path == "/admin/sign-in", path
        assert "Text me a code" in response.text


def test_sign_in_with_the_texted_code(admin: TestClient, settings: Settings) -> None:
    staff_id = add_staff(settings)

    response = ask_code(admin, "(555) 010-0001")

    assert response.url.path == "/admin/code"
    assert CODE_SENT in response.text
    [row] = login_rows()
    assert (row.priority, row.purpose, row.status) == ("urgent", "login", "queued")
    with session_scope() as session:
        staff = session.get(Coordinator, staff_id)
        assert staff is not None
        assert row.contact_id == staff.contact_id
    assert enter_code(admin, texted_code()).headers["location"] == "/admin/"
    page = admin.get("/admin/")
    assert "Dana Coordinator" in page.text
    assert "Support cases" in page.text
    with session_scope() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "admin_signed_in" in actions


def test_the_session_cookie_is_scoped_and_safe(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    ask_code(admin, STAFF_PHONE)

    response = enter_code(admin, texted_code())

    cookie = response.headers["set-cookie"].lower()
    assert "hotline_admin=" in cookie
    for flag in ("path=/admin", "httponly", "samesite=lax", "secure"):
        assert flag in cookie
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"


def test_a_code_works_only_once(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    ask_code(admin, STAFF_PHONE)
    code = texted_code()
    pending = pending_key(settings=settings, e164=STAFF_PHONE)

    first = check_code(settings=settings, redis=get_redis(), pending=pending, code=code)
    second = check_code(settings=settings, redis=get_redis(), pending=pending, code=code)

    assert (first.result, second.result) == (CodeResult.OK, CodeResult.WRONG)


def test_wrong_code_is_refused_and_the_right_one_still_works(
    admin: TestClient, settings: Settings
) -> None:
    add_staff(settings)
    ask_code(admin, STAFF_PHONE)
    code = texted_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = enter_code(admin, wrong)

    assert response.status_code == 400
    assert "That code is wrong or has expired." in response.text
    assert admin.get("/admin/").url.path == "/admin/sign-in"
    assert enter_code(admin, code).status_code == 303


def test_too_many_tries_locks_the_code(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    ask_code(admin, STAFF_PHONE)
    code = texted_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    answers = [enter_code(admin, wrong).text for _ in range(MAX_TRIES)]

    assert "Too many tries" not in answers[0]
    assert "Too many tries. Ask for a new code." in answers[-1]
    late = enter_code(admin, code)
    assert late.status_code == 400
    assert "Too many tries" in late.text
    assert admin.get("/admin/").url.path == "/admin/sign-in"


def test_unknown_number_gets_the_same_answer_and_no_text(
    admin: TestClient, settings: Settings
) -> None:
    add_staff(settings)
    known = ask_code(admin, STAFF_PHONE)
    admin.cookies.clear()

    unknown = ask_code(admin, "+15550109999")

    assert (unknown.status_code, unknown.url.path) == (known.status_code, known.url.path)
    assert CODE_SENT in unknown.text
    assert unknown.text.replace(csrf_of(unknown.text), "") == known.text.replace(
        csrf_of(known.text), ""
    )
    assert len(login_rows()) == 1  # only the coordinator's
    assert enter_code(admin, "123456").status_code == 400


def test_member_number_cannot_sign_in(admin: TestClient, settings: Settings) -> None:
    add_contact(settings, MEMBER_PHONE)  # known to the line, but not staff

    ask_code(admin, MEMBER_PHONE)

    assert login_rows() == []


def test_not_a_phone_number_is_a_clear_400(admin: TestClient) -> None:
    response = ask_code(admin, "call me")

    assert response.status_code == 400
    assert "does not look like a phone number" in response.text


def test_sign_out_clears_the_session(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    page = sign_in(admin)

    response = admin.post("/admin/sign-out", data={"csrf": csrf_of(page)})

    assert response.url.path == "/admin/sign-in"
    assert "You are signed out." in response.text
    assert admin.get("/admin/").url.path == "/admin/sign-in"


# Forms and cases ----------------------------------------------------------------------------


def test_posts_without_a_valid_csrf_token_are_refused(
    admin: TestClient, settings: Settings
) -> None:
    add_staff(settings)
    case_id = open_case(settings)
    sign_in(admin)

    missing = admin.post(f"/admin/cases/{case_id}/ack", data={})
    forged = admin.post(f"/admin/cases/{case_id}/ack", data={"csrf": "forged"})
    sign_in_form = admin.post("/admin/sign-in", data={"phone": STAFF_PHONE})

    assert (missing.status_code, forged.status_code, sign_in_form.status_code) == (403, 403, 403)
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        assert case is not None
        assert case.status == "open"


def test_ack_and_done_from_the_dashboard(admin: TestClient, settings: Settings) -> None:
    staff_id = add_staff(settings)
    case_id = open_case(settings)
    page = sign_in(admin)
    assert f"#{case_id}" in page and "nobody yet" in page

    acked = admin.post(f"/admin/cases/{case_id}/ack", data={"csrf": csrf_of(page)})

    assert f"Case {case_id} is yours." in acked.text
    assert f"ACK case {case_id}" not in acked.text
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        assert case is not None
        assert (case.status, case.acked_by_id) == ("acked", staff_id)
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "case_acked")).one()
        assert (event.actor, event.subject_id) == (f"coordinator:{staff_id}", case_id)

    done = admin.post(f"/admin/cases/{case_id}/done", data={"csrf": csrf_of(acked.text)})

    assert f"Case {case_id} is closed." in done.text
    assert f'id="case-{case_id}"' not in done.text
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        assert case is not None
        assert case.status == "closed"


def test_ack_of_a_case_someone_else_holds_says_who(admin: TestClient, settings: Settings) -> None:
    other = add_staff(settings, "+15550100002", "Riley Responder")
    add_staff(settings)
    case_id = open_case(settings)
    page = sign_in(admin)
    with session_scope() as session:
        take_case(session=session, case_id=case_id, coordinator_id=other, now=clock.now())

    response = admin.post(f"/admin/cases/{case_id}/ack", data={"csrf": csrf_of(page)})

    assert f"Case {case_id} is already with Riley Responder." in response.text


def test_the_page_shows_no_member_number_or_words(admin: TestClient, settings: Settings) -> None:
    staff_id = add_staff(settings)
    case_id = open_case(settings, MEMBER_PHONE)
    with session_scope() as session:
        group = Group(slug="calm", name="Calm Waters")
        session.add(group)
        session.flush()
        meeting = Meeting(
            group_id=group.id,
            slug="calm-mon",
            code="4821",
            name="Calm Waters Monday",
            weekday=0,
            start_time=dt.time(19, 0),
            time_zone="America/Los_Angeles",
            format="phone_bridge",
        )
        session.add(meeting)
        session.flush()
        session.add(Room(meeting_id=meeting.id, name="room-x", participants=3, status="live"))
        session.add(
            Broadcast(
                meeting_id=meeting.id,
                coordinator_id=staff_id,
                body="Secret words for members only",
                status="sending",
                recipients=2,
            )
        )

    page = sign_in(admin)

    assert f"#{case_id}" in page
    assert "#4821" in page and "Calm Waters Monday" in page and "3 on the line" in page
    assert "Secret words" not in page
    assert "1234567" not in page and "+1555" not in page
    assert re.search(r"\d{10}", page) is None
