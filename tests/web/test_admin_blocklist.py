"""/admin/blocklist through the real app: admins block and lift numbers and prefixes, the
same store `hotline block` uses, with no number ever on the page and each change audited."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline.blocklist import is_blocked
from hotline.db import session_scope
from hotline.models import AuditEvent, BlockedNumber
from hotline.phones import vault_for
from hotline.settings import Settings
from tests.people import add_staff
from tests.test_cli import hotline
from tests.web.test_admin import admin, csrf_of, sign_in

__all__ = ["admin"]  # the signed-out dashboard client fixture

ADMIN = "+15550100001"
COORDINATOR = "+15550100002"
BLOCKED = "+15551239876"


def _post(admin: TestClient, path: str, **fields: str) -> httpx.Response:
    token = csrf_of(admin.get("/admin/blocklist").text)
    response: httpx.Response = admin.post(path, data={"csrf": token, **fields})
    return response


def _blocked(settings: Settings, number: str) -> bool:
    with session_scope() as session:
        digest = vault_for(settings.secret_key).index(number)
        return is_blocked(session=session, phone_hash=digest, e164=number)


def test_an_admin_blocks_and_lifts_a_number_and_a_prefix(
    admin: TestClient, settings: Settings
) -> None:
    boss = add_staff(settings, ADMIN, "admin", name="Ada")
    sign_in(admin, ADMIN)
    assert "Nothing is blocked." in admin.get("/admin/blocklist").text

    page = _post(
        admin, "/admin/blocklist", kind="number", value="(555) 123-9876", note="spam 5551239876"
    ).text
    assert "The number ending 9876 is blocked" in page
    page = _post(admin, "/admin/blocklist", kind="prefix", value="+1900", note="premium").text
    assert "Prefix +1900 is blocked" in page and "<code>+1900</code>" in page
    assert "5551239876" not in page and "123-9876" not in page and "spam ####" in page
    assert _blocked(settings, BLOCKED) and _blocked(settings, "+19005550100")
    spanish = admin.get("/admin/language/es?next=/admin/blocklist").text
    assert "Desbloquear" in spanish and "5551239876" not in spanish
    admin.get("/admin/language/en?next=/admin/blocklist")

    listing = hotline("block", "list").stdout  # the CLI reads the same store
    assert "+1900" in listing and "premium" in listing
    with session_scope() as session:
        ids = {
            kind: id_ for kind, id_ in session.execute(select(BlockedNumber.kind, BlockedNumber.id))
        }
        assert BLOCKED not in list(session.scalars(select(BlockedNumber.value)))
    page = _post(admin, f"/admin/blocklist/{ids['number']}/remove").text
    assert f"Block {ids['number']} lifted." in page and not _blocked(settings, BLOCKED)
    assert _blocked(settings, "+19005550100")
    assert "already lifted" in _post(admin, f"/admin/blocklist/{ids['number']}/remove").text

    with session_scope() as session:
        events = session.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.subject_id, AuditEvent.detail)
            .where(AuditEvent.subject_type == "blocked_number")
            .order_by(AuditEvent.id)
        ).all()
    assert [(a, b, c) for a, b, c, _ in events] == [
        (f"coordinator:{boss}", "block_added", ids["number"]),
        (f"coordinator:{boss}", "block_added", ids["prefix"]),
        (f"coordinator:{boss}", "block_removed", ids["number"]),
    ]
    assert all("5551239876" not in str(detail) for *_, detail in events)


@pytest.mark.parametrize(
    ("kind", "value", "answer"),
    [
        ("number", "not a number", "That is not a phone number"),
        ("prefix", "+19005550100", "A prefix is + and 1 to 8 digits"),
    ],
)
def test_bad_input_gets_a_plain_answer(
    admin: TestClient, settings: Settings, kind: str, value: str, answer: str
) -> None:
    add_staff(settings, ADMIN, "admin", name="Ada")
    sign_in(admin, ADMIN)
    response = _post(admin, "/admin/blocklist", kind=kind, value=value)
    assert response.status_code == 200 and answer in response.text


def test_only_admins_and_only_with_the_csrf_token(admin: TestClient, settings: Settings) -> None:
    add_staff(settings, ADMIN, "admin", name="Ada")
    add_staff(settings, COORDINATOR, "coordinator", name="Cy")
    sign_in(admin, ADMIN)
    refused = admin.post("/admin/blocklist", data={"kind": "prefix", "value": "+1900"})
    assert refused.status_code == 403
    admin.cookies.clear()
    sign_in(admin, COORDINATOR)
    assert admin.get("/admin/blocklist").status_code == 403
    assert "/admin/blocklist" not in admin.get("/admin/").text
    token = csrf_of(admin.get("/admin/").text)
    posted = admin.post("/admin/blocklist", data={"csrf": token, "kind": "prefix", "value": "+1"})
    assert posted.status_code == 403
    with session_scope() as session:
        assert session.scalars(select(BlockedNumber)).first() is None
