"""/admin/cases through the real app: lists, the refreshing fragment, a case's trail and notes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline.db import session_scope
from hotline.models import AuditEvent, CaseNote, SupportCase
from hotline.settings import Settings
from tests.web.test_admin import (
    MEMBER_PHONE,
    STAFF_PHONE,
    add_staff,
    csrf_of,
    open_case,
    sign_in,
)


@pytest.fixture()
def admin(client: TestClient) -> TestClient:
    client.base_url = "https://testserver"  # the session cookie is Secure, as in production
    return client


def test_cases_pages_need_a_session(admin: TestClient) -> None:
    for path in ("/admin/cases", "/admin/cases/1"):
        assert admin.get(path).url.path == "/admin/sign-in", path
    assert admin.get("/admin/cases/rows").status_code == 401


def test_open_case_is_listed_and_refreshed_without_a_reload(
    admin: TestClient,
    settings: Settings,
) -> None:
    add_staff(settings)
    sign_in(admin)
    assert "No open cases." in admin.get("/admin/cases/rows").text

    case_id = open_case(settings, level="imminent")
    rows = admin.get("/admin/cases/rows")

    assert rows.status_code == 200 and "<html" not in rows.text
    assert f'id="case-{case_id}"' in rows.text and "imminent" in rows.text
    page = admin.get("/admin/cases").text
    assert 'data-refresh="/admin/cases/rows"' in page and f"#{case_id}" in page
    assert MEMBER_PHONE not in page and MEMBER_PHONE[2:] not in page


def test_ack_then_the_trail_shows_who_and_when(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    case_id = open_case(settings)
    page = sign_in(admin)

    acked = admin.post(
        f"/admin/cases/{case_id}/ack",
        data={"csrf": csrf_of(page), "next": f"/admin/cases/{case_id}"},
    )

    assert acked.url.path == f"/admin/cases/{case_id}"
    trail = acked.text[acked.text.index('id="trail"') :]
    assert "case opened (by sms)" in trail
    assert "Dana Coordinator</strong> — acknowledged" in trail
    assert "acked" in acked.text and "ACK case" not in acked.text


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_step_a_case_records_reads_as_words_in_its_trail(
    admin: TestClient, settings: Settings, language: str
) -> None:
    # A deployer's case page read "member — caring_agreed": the member's YES to check-in texts
    # and their CALL (safe to call now) had no wording, so the raw action showed.
    from hotline import audit

    add_staff(settings)
    case_id = open_case(settings)
    with session_scope() as session:
        for action in ("call_asked", "caring_agreed", "no_oncall"):
            audit.record(
                session=session, actor="member", action=action, subject_type="case",
                subject_id=case_id,
            )  # fmt: skip
    sign_in(admin)
    admin.get(f"/admin/language/{language}")
    page = admin.get(f"/admin/cases/{case_id}").text
    trail = page[page.index('id="trail"') :]
    for action in ("call_asked", "caring_agreed", "no_oncall"):
        assert action not in trail
    # Nobody on call pages every admin (oncall.fallback), not every coordinator.
    assert {"en": "told every admin", "es": "se avisó a todos los administradores"}[
        language
    ] in trail


def test_a_staff_note_is_kept_and_audited_without_its_words(
    admin: TestClient,
    settings: Settings,
) -> None:
    staff_id = add_staff(settings)
    case_id = open_case(settings)
    sign_in(admin)
    page = admin.get(f"/admin/cases/{case_id}").text

    saved = admin.post(
        f"/admin/cases/{case_id}/notes",
        data={"csrf": csrf_of(page), "body": "Called back, will check in at 6pm."},
    )

    assert "Note saved." in saved.text and "will check in at 6pm" in saved.text
    with session_scope() as session:
        (note,) = session.scalars(select(CaseNote)).all()
        assert (note.case_id, note.coordinator_id) == (case_id, staff_id)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case_note_added")
        ).one()
        assert event.detail == {"note_id": note.id, "via": "dashboard"}
    assert "added a note" in saved.text


def test_a_note_without_the_csrf_token_is_refused(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    case_id = open_case(settings)
    sign_in(admin)

    refused = admin.post(f"/admin/cases/{case_id}/notes", data={"body": "x"})

    assert refused.status_code == 403
    with session_scope() as session:
        assert session.scalars(select(CaseNote)).all() == []


def test_an_unknown_case_is_a_404(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    sign_in(admin)
    assert admin.get("/admin/cases/999").status_code == 404


def test_the_cases_page_in_spanish(admin: TestClient, settings: Settings) -> None:
    add_staff(settings)
    case_id = open_case(settings)
    sign_in(admin)

    page = admin.get("/admin/language/es?next=/admin/cases").text

    assert "Casos de apoyo" in page and "abierto" in page and f"#{case_id}" in page
    assert 'lang="es"' in page
    with session_scope() as session:
        assert session.get(SupportCase, case_id) is not None
    assert STAFF_PHONE not in page
