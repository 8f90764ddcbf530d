"""/admin/broadcasts through the real app and the real job pipeline (console transport)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline import clock
from hotline.db import session_scope
from hotline.jobs.broadcast import start_due_broadcasts
from hotline.jobs.scheduler import run_tick
from hotline.jobs.worker import run_worker
from hotline.models import (
    AuditEvent,
    Broadcast,
    Contact,
    Coordinator,
    Group,
    MeetingCancellation,
    OutboxMessage,
    Subscription,
)
from hotline.settings import Settings
from tests.clock import daytime_zone
from tests.people import add_contact
from tests.web.test_admin import add_staff, csrf_of, sign_in
from tests.web.test_voice_caller import make_meeting

SPANISH = "Nos vemos a las 7, ¡allá en el salón!"


@pytest.fixture()
def admin(client: TestClient) -> TestClient:
    client.base_url = "https://testserver"
    return client


def members(settings: Settings, meeting_id: int, languages: list[str]) -> list[int]:
    """Subscribe one member per language, in a zone where it is daytime (no quiet hours)."""
    ids = []
    for n, language in enumerate(languages):
        contact_id = add_contact(settings, f"+1555222{n:04d}")
        with session_scope() as session:
            contact = session.get(Contact, contact_id)
            assert contact is not None
            contact.language, contact.time_zone = language, daytime_zone()
            session.add(Subscription(contact_id=contact_id, meeting_id=meeting_id))
        ids.append(contact_id)
    return ids


def compose(admin: TestClient, target: str, **fields: str) -> str:
    page = admin.get("/admin/broadcasts").text
    response = admin.post(
        "/admin/broadcasts", data={"csrf": csrf_of(page), "target": target, **fields}
    )
    return str(response.text)


def press(admin: TestClient, page: str, path: str) -> str:
    return str(admin.post(path, data={"csrf": csrf_of(page)}).text)


def broadcast() -> Broadcast:
    with session_scope() as session:
        found = session.scalars(select(Broadcast).order_by(Broadcast.id.desc())).first()
        assert found is not None
        session.expunge(found)
        return found


def test_compose_preview_confirm_and_progress_in_each_language(
    admin: TestClient, settings: Settings
) -> None:
    meeting_id = make_meeting()
    english, _, spanish = members(settings, meeting_id, ["en", "en", "es"])
    staff_id = add_staff(settings)
    sign_in(admin)
    page = admin.get("/admin/broadcasts").text
    assert "#4821 Evening Circle · 3 members" in page and "data-segments" in page

    preview = compose(admin, f"m:{meeting_id}", body="Moved to 7pm tonight.", body_es=SPANISH)

    assert "21 characters · GSM-7 · 1 segment(s)" in preview
    assert "UCS-2 because of “á”" in preview
    assert "English · 2 members" in preview and "Spanish · 1 members" in preview
    assert "Send to 3 members now" in preview
    sent = press(admin, preview, f"/admin/broadcasts/{broadcast().id}/confirm")
    assert "Sending to 3 members." in sent
    run_worker(burst=True)

    progress = admin.get(f"/admin/broadcasts/{broadcast().id}/progress").text
    assert '<td data-label="Sent" class="sent">3</td>' in progress
    with session_scope() as session:
        bodies = dict(
            session.execute(
                select(OutboxMessage.contact_id, OutboxMessage.body).where(
                    OutboxMessage.purpose == "broadcast"
                )
            ).all()
        )
        actions = list(
            session.scalars(
                select(AuditEvent.action).where(AuditEvent.actor == f"coordinator:{staff_id}")
            )
        )
    assert bodies[english] == "Moved to 7pm tonight." and bodies[spanish] == SPANISH
    assert "broadcast_requested" in actions and "broadcast_confirmed" in actions


def test_schedule_then_cancel_and_a_due_one_starts(admin: TestClient, settings: Settings) -> None:
    meeting_id = make_meeting()
    members(settings, meeting_id, ["en"])
    add_staff(settings)
    sign_in(admin)
    later = (clock.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    preview = compose(admin, f"m:{meeting_id}", body="See you Thursday", send_at=later)
    scheduled = press(admin, preview, f"/admin/broadcasts/{broadcast().id}/confirm")
    assert "Scheduled for" in scheduled and broadcast().status == "scheduled"
    assert start_due_broadcasts(clock.now()) == 0
    cancelled = press(admin, scheduled, f"/admin/broadcasts/{broadcast().id}/cancel")
    assert f"Broadcast {broadcast().id} is cancelled." in cancelled
    assert start_due_broadcasts(clock.now() + dt.timedelta(days=3)) == 0

    preview = compose(admin, f"m:{meeting_id}", body="Again", send_at=later)
    press(admin, preview, f"/admin/broadcasts/{broadcast().id}/confirm")
    run_tick(clock.now() + dt.timedelta(days=3))  # the scheduler's minute starts it
    assert broadcast().status == "confirmed"


def test_a_past_send_time_or_an_empty_text_is_refused(
    admin: TestClient, settings: Settings
) -> None:
    meeting_id = make_meeting()
    members(settings, meeting_id, ["en"])
    add_staff(settings)
    sign_in(admin)
    past = (clock.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    assert "That send time has passed" in compose(admin, f"m:{meeting_id}", body="x", send_at=past)
    assert "Write the text" in compose(admin, f"m:{meeting_id}", body="  ")
    assert "Choose a meeting or a group." in compose(admin, "m:x", body="hello")
    with session_scope() as session:
        assert session.scalars(select(Broadcast)).all() == []


def test_cancel_the_next_meeting_tells_its_members_once(
    admin: TestClient, settings: Settings
) -> None:
    meeting_id = make_meeting()
    members(settings, meeting_id, ["en", "es"])
    add_staff(settings)
    page = sign_in(admin)
    form = {"csrf": csrf_of(page), "meeting": str(meeting_id), "sure": "yes"}

    first = admin.post("/admin/broadcasts/cancel-meeting", data=form).text
    again = admin.post("/admin/broadcasts/cancel-meeting", data=form).text
    unsure = admin.post("/admin/broadcasts/cancel-meeting", data={**form, "sure": ""}).text

    assert "is cancelled; 2 members are being told." in first
    assert "was already cancelled." in again and "Tick the box" in unsure
    with session_scope() as session:
        assert len(session.scalars(select(MeetingCancellation)).all()) == 1
        notices = session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "cancel"))
        assert len(notices.all()) == 2


def test_another_groups_meeting_is_forbidden(admin: TestClient, settings: Settings) -> None:
    mine = make_meeting(code="4821")
    other = make_meeting(code="7734", name="Other Circle")
    members(settings, other, ["en"])
    staff_id = add_staff(settings)
    with session_scope() as session:
        staff = session.get(Coordinator, staff_id)
        assert staff is not None
        staff.group_id = session.scalars(select(Group.id).where(Group.slug == "group-4821")).one()
    page = sign_in(admin)

    assert "Other Circle" not in admin.get("/admin/broadcasts").text
    refused = admin.post(
        "/admin/broadcasts", data={"csrf": csrf_of(page), "target": f"m:{other}", "body": "hi"}
    )
    cancel = admin.post(
        "/admin/broadcasts/cancel-meeting",
        data={"csrf": csrf_of(page), "meeting": str(other), "sure": "yes"},
    )
    no_csrf = admin.post("/admin/broadcasts", data={"target": f"m:{mine}", "body": "hi"})

    assert (refused.status_code, cancel.status_code, no_csrf.status_code) == (403, 403, 403)
    with session_scope() as session:
        theirs = Broadcast(meeting_id=other, coordinator_id=None, body="x", status="pending")
        session.add(theirs)
        session.flush()
        theirs_id = theirs.id
    assert admin.get(f"/admin/broadcasts/{theirs_id}").status_code == 403
    assert (
        admin.post(
            f"/admin/broadcasts/{theirs_id}/confirm", data={"csrf": csrf_of(page)}
        ).status_code
        == 403
    )
