"""/admin/staff through the real app: admins manage everyone, coordinators their groups only."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient

from hotline.catalogs import catalog
from hotline.db import session_scope
from hotline.models import AuditEvent, Coordinator
from hotline.settings import Settings
from tests.jobs.factories import make_meeting
from tests.people import add_staff
from tests.web.test_admin import admin, csrf_of, sign_in

__all__ = ["admin"]  # the signed-out dashboard client fixture

ADMIN = "+15550100001"
COORDINATOR = "+15550100002"
RESPONDER = "+15550100003"
OTHER_RESPONDER = "+15550100004"


def _post(admin: TestClient, path: str, **fields: str) -> str:
    token = csrf_of(admin.get("/admin/staff").text)
    response = admin.post(path, data={"csrf": token, **fields})
    assert response.url.path == "/admin/staff", response.url
    return str(response.text)


def test_admin_adds_edits_and_removes_staff(admin: TestClient, settings: Settings) -> None:
    add_staff(settings, ADMIN, "admin", name="Ada")
    overview = sign_in(admin, ADMIN)
    assert "Nobody is on call" not in overview  # the admin is the fallback
    page = admin.get("/admin/staff").text
    assert "Add staff" in page and "…0001" in page and ADMIN not in page
    page = _post(
        admin, "/admin/staff", name="Rae", phone="(555) 010-0003", role="responder", tier="2"
    )
    assert "a welcome text is on its way" in page and "…0003" in page and RESPONDER not in page
    with session_scope() as session:
        rae = session.scalars(select(Coordinator).where(Coordinator.display_name == "Rae")).one()
        rae_id, rae_tier = rae.id, rae.tier
    assert rae_tier == 2
    assert "on call" in page  # a new responder is on call
    _post(admin, f"/admin/staff/{rae_id}/edit", tier="1")
    page = _post(admin, f"/admin/staff/{rae_id}/remove")
    assert f"Staff {rae_id} removed." in page and "…0003" not in page
    with session_scope() as session:
        actions = [
            (e.action, e.actor)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.subject_id == rae_id).order_by(AuditEvent.id)
            )
            if e.subject_type == "coordinator"
        ]
    admin_actor = f"coordinator:{_id_of(ADMIN, settings)}"
    assert actions == [
        ("staff_added", admin_actor),
        ("staff_edited", admin_actor),
        ("staff_removed", admin_actor),
    ]


def test_a_coordinator_sees_and_manages_only_their_groups(
    admin: TestClient, settings: Settings
) -> None:
    with session_scope() as session:
        make_meeting(session, code="4821")
        make_meeting(session, code="4452")
    from hotline import roster

    with session_scope() as session:
        for number, name, role, code in (
            (COORDINATOR, "Cy", "coordinator", "4821"),
            (RESPONDER, "Mine", "responder", "4821"),
            (OTHER_RESPONDER, "Theirs", "responder", "4452"),
        ):
            change = roster.StaffChange(name=name, phone=number, role=role, meetings=[code])
            roster.add_staff(session=session, settings=settings, change=change, actor="test")
    sign_in(admin, COORDINATOR)
    page = admin.get("/admin/staff").text
    assert "Mine" in page and "Theirs" not in page
    assert '<option value="admin">' not in page
    page = _post(admin, "/admin/staff", name="X", phone="+15550100009", role="admin")
    assert "only responders and volunteers of your groups" in page
    page = _post(
        admin, "/admin/staff", name="New", phone="+15550100009", role="responder", meetings="4452"
    )
    assert "only responders and volunteers of your groups" in page
    theirs = _id_of(OTHER_RESPONDER, settings)
    assert f"No staff member {theirs}." in _post(admin, f"/admin/staff/{theirs}/remove")
    page = _post(
        admin, "/admin/staff", name="New", phone="+15550100009", role="responder", meetings="4821"
    )
    assert "a welcome text is on its way" in page and "New" in page


def test_red_banner_when_nobody_at_all_is_on_call(admin: TestClient, settings: Settings) -> None:
    add_staff(settings, COORDINATOR, "coordinator", name="Cy")
    page = sign_in(admin, COORDINATOR)
    assert "Nobody is on call" in page and 'class="nobody"' in page


def _id_of(number: str, settings: Settings) -> int:
    from hotline import roster

    with session_scope() as session:
        return roster.find_staff(session=session, settings=settings, ref=number).id


def test_a_removed_staff_member_is_signed_out_at_once(
    admin: TestClient, settings: Settings
) -> None:
    from hotline import roster
    from hotline.queues import get_redis

    cy = add_staff(settings, COORDINATOR, "coordinator", name="Cy")
    sign_in(admin, COORDINATOR)
    assert admin.get("/admin/staff").url.path == "/admin/staff"
    with session_scope() as session:
        staff = session.get(Coordinator, cy)
        assert staff is not None
        roster.remove_staff(session=session, staff=staff, actor="test", now=staff.created_at)
    assert admin.get("/admin/").url.path == "/admin/sign-in"
    assert not get_redis().keys("admin:session:*")


def test_an_admin_changes_a_role_and_the_page_reads_in_spanish(
    admin: TestClient, settings: Settings
) -> None:
    add_staff(settings, ADMIN, "admin", name="Ada")
    rae = add_staff(settings, RESPONDER, "responder", name="Rae")
    sign_in(admin, ADMIN)
    page = _post(admin, f"/admin/staff/{rae}/edit", role="coordinator", tier="3")
    assert f"Staff {rae} changed." in page
    with session_scope() as session:
        staff = session.get(Coordinator, rae)
        assert staff is not None and (staff.role, staff.tier) == ("coordinator", 3)
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "staff_edited")
        ).all()
        assert event.actor.startswith("coordinator:") and event.subject_id == rae
        assert event.detail["role"] == "coordinator"
    spanish = admin.get("/admin/language/es?next=/admin/staff").text
    assert "Añadir personal" in spanish and "coordinación" in spanish and RESPONDER not in spanish
    refused = admin.post(f"/admin/staff/{rae}/edit", data={"role": "admin"})
    assert refused.status_code == 403


def test_a_refused_change_is_said_in_the_pages_language(
    admin: TestClient, settings: Settings
) -> None:
    add_staff(settings, ADMIN, "admin", name="Ada")
    rae = add_staff(settings, RESPONDER, "responder", name="Rae")
    sign_in(admin, ADMIN)
    page = _post(admin, "/admin/staff", name="Sam", phone="not a number", role="responder")
    assert "That is not a phone number: write it like +14155550123." in page
    assert "--phone" not in page  # the CLI's wording stays in the CLI
    admin.get("/admin/language/es?next=/admin/staff")
    page = _post(admin, f"/admin/staff/{rae}/edit", tier="12")
    assert "El nivel es un número del 1 al 9" in page and "--tier" not in page
    page = _post(admin, "/admin/staff", name="Sam", phone=RESPONDER, role="responder")
    assert f"Ese número ya es del equipo (id {rae})" in page
    page = _post(admin, "/admin/staff", name="Sam", phone="+15550100009", role="boss")
    assert "Elija uno de los roles de la lista." in page


def test_every_roster_refusal_has_words_in_both_languages() -> None:
    hotline = Path(__file__).resolve().parents[2] / "hotline"
    keys = {
        key
        for path in (hotline / "roster.py", hotline / "web" / "admin_staff.py")
        for key in re.findall(r'key="(\w+)"', path.read_text(encoding="utf-8"))
    }
    assert len(keys) >= 12
    for language in ("en", "es"):
        words = catalog(language)
        assert all(words.strings.get(f"dash.roster.{key}") for key in keys), language
