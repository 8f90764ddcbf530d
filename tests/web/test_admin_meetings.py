"""/admin/meetings through the real app: create, find by text, edit, pause, PINs, delete, 403."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline.db import session_scope
from hotline.flows.schedule import weekly_times
from hotline.importer import import_feed
from hotline.meetings import get_meeting_by_code
from hotline.models import AuditEvent, Coordinator, Group, Meeting, Subscription
from hotline.settings import Settings
from tests import people
from tests.people import add_contact
from tests.test_importer import row as feed_row
from tests.test_importer import write_feed
from tests.twilio import TwilioPoster
from tests.web.test_admin import add_staff, csrf_of, sign_in
from tests.web.test_voice_caller import make_meeting

MISSION = {
    "name": "Mission Evening Peer Circle",
    "weekday": "2",
    "start_time": "18:30",
    "duration_minutes": "90",
    "time_zone": "",
    "format": "in_person",
    "address": "362 Capp St",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94110",
    "mute_on_entry": "on",
}


@pytest.fixture()
def admin(client: TestClient) -> TestClient:
    client.base_url = "https://testserver"
    return client


def group_id(slug: str = "group-4821") -> int:
    with session_scope() as session:
        return int(session.scalars(select(Group.id).where(Group.slug == slug)).one())


def create(admin: TestClient, **fields: str) -> str:
    page = admin.get("/admin/meetings/new").text
    form = {"csrf": csrf_of(page), "group_id": str(group_id()), **MISSION, **fields}
    return str(admin.post("/admin/meetings", data=form).text)


def meeting_named(name: str) -> Meeting:
    with session_scope() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.name == name)).one()
        session.expunge(meeting)
        return meeting


def test_create_a_meeting_with_pins_and_find_it_by_text(
    admin: TestClient, settings: Settings, twilio: TwilioPoster
) -> None:
    make_meeting()  # the group, with a phone meeting of its own
    add_staff(settings)
    sign_in(admin)

    saved = create(admin, use_pins="on")

    meeting = meeting_named("Mission Evening Peer Circle")
    assert (meeting.time_zone, meeting.weekday, meeting.duration_minutes) == (
        "America/Los_Angeles",
        2,
        90,
    )
    assert meeting.latitude is not None and len(meeting.code) == 4
    assert meeting.member_pin and meeting.host_pin and meeting.member_pin != meeting.host_pin
    assert f"member PIN {meeting.member_pin}, host PIN {meeting.host_pin}" in saved
    again = admin.get(f"/admin/meetings/{meeting.id}").text
    # Shown once, never again: not as a number of its own (a random PIN such as 1646 can sit
    # inside the bridge's dial-in digits, +16465588656, on the same page).
    for pin in (meeting.member_pin, meeting.host_pin):
        assert not re.search(rf"(?<!\d){pin}(?!\d)", again), pin
    assert "has a member PIN and a host PIN" in again
    found = twilio.sms("+15553334444", "FIND 94110").text
    assert "Mission Evening Peer Circle" in found or f"#{meeting.code}" in found
    with session_scope() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting_created")
        ).one()
        assert event.subject_id == meeting.id and event.detail["via"] == "dashboard"


def test_a_refused_form_comes_back_filled_in_and_writes_nothing(
    admin: TestClient, settings: Settings
) -> None:
    make_meeting()
    add_staff(settings)
    sign_in(admin)
    page = admin.get("/admin/meetings/new").text

    refused = admin.post(
        "/admin/meetings",
        data={
            "csrf": csrf_of(page),
            "group_id": str(group_id()),
            **MISSION,
            "postal_code": "00000",
            "code": "4821",
            "start_time": "25:00",
        },
    )

    assert refused.status_code == 400
    assert "needs a US ZIP code" in refused.text and "belongs to another meeting" in refused.text
    assert "Choose a day, a start time" in refused.text
    assert 'value="Mission Evening Peer Circle"' in refused.text
    with session_scope() as session:
        assert len(session.scalars(select(Meeting)).all()) == 1


def test_edit_the_code_when_free_pause_resume_and_rotate_pins(
    admin: TestClient, settings: Settings, twilio: TwilioPoster
) -> None:
    meeting_id = make_meeting(fmt="phone_bridge")
    add_staff(settings)
    sign_in(admin)
    page = admin.get(f"/admin/meetings/{meeting_id}").text
    form = dict(
        re.findall(r'name="([a-z_]+)" type="(?:text|number|time|url)" [^>]*value="([^"]*)"', page)
    )
    form.update(csrf=csrf_of(page), group_id=str(group_id()), weekday="0", format="phone_bridge")
    form["mute_on_entry"] = "on"  # checked on the page, as the group has it

    taken = make_meeting(code="7734", name="Other")
    assert taken
    refused = admin.post(f"/admin/meetings/{meeting_id}", data={**form, "code": "7734"})
    moved = admin.post(f"/admin/meetings/{meeting_id}", data={**form, "code": "4822"})

    assert refused.status_code == 400 and "belongs to another meeting" in refused.text
    assert "#4822 is saved." in moved.text
    paused = admin.post(f"/admin/meetings/{meeting_id}/pause", data={"csrf": csrf_of(page)})
    assert "#4822 is paused." in paused.text
    with session_scope() as session:
        assert get_meeting_by_code(session=session, code="4822") is None  # not found while paused
    admin.post(f"/admin/meetings/{meeting_id}/resume", data={"csrf": csrf_of(page)})
    rotated = admin.post(f"/admin/meetings/{meeting_id}/pins", data={"csrf": csrf_of(page)})
    with session_scope() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.active and meeting.member_pin
        assert f"member PIN {meeting.member_pin}" in rotated.text
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        updated = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting_updated")
        ).one()
    assert updated.detail["fields"] == ["code"]
    assert actions[-3:] == ["meeting_paused", "meeting_resumed", "meeting_pins_rotated"]


def test_delete_only_a_meeting_without_history(admin: TestClient, settings: Settings) -> None:
    kept = make_meeting(code="4821")
    gone = make_meeting(code="7734", name="Short-lived")
    with session_scope() as session:
        session.add(Subscription(contact_id=add_contact(settings, "+15556667777"), meeting_id=kept))
    add_staff(settings)
    page = sign_in(admin)

    refused = admin.post(
        f"/admin/meetings/{kept}/delete", data={"csrf": csrf_of(page), "sure": "yes"}
    )
    deleted = admin.post(
        f"/admin/meetings/{gone}/delete", data={"csrf": csrf_of(page), "sure": "yes"}
    )

    assert "cannot be deleted: pause it instead" in refused.text
    assert "#7734 is deleted." in deleted.text
    with session_scope() as session:
        assert session.get(Meeting, kept) is not None and session.get(Meeting, gone) is None


def test_a_coordinator_cannot_open_another_groups_meeting(
    admin: TestClient, settings: Settings
) -> None:
    make_meeting(code="4821")
    theirs = make_meeting(code="7734", name="Other Circle")
    staff_id, mine = add_staff(settings), group_id()
    with session_scope() as session:
        staff = session.get(Coordinator, staff_id)
        assert staff is not None
        staff.group_id = mine
    page = sign_in(admin)

    assert admin.get(f"/admin/meetings/{theirs}").status_code == 403
    assert (
        admin.post(f"/admin/meetings/{theirs}/pause", data={"csrf": csrf_of(page)}).status_code
        == 403
    )
    assert admin.post(f"/admin/meetings/{theirs}/pause", data={}).status_code == 403
    listing = admin.get("/admin/meetings").text
    assert "#4821" in listing and "Other Circle" not in listing
    stolen = admin.post(
        "/admin/meetings",
        data={"csrf": csrf_of(page), **MISSION, "group_id": str(group_id("group-7734"))},
    )
    assert stolen.status_code == 403


def test_search_and_the_page_in_spanish(admin: TestClient, settings: Settings) -> None:
    make_meeting(code="4821", name="Evening Circle")
    make_meeting(code="7734", name="Grief Support")
    add_staff(settings)
    sign_in(admin)

    found = admin.get("/admin/meetings?q=grief").text
    spanish = admin.get("/admin/language/es?next=/admin/meetings/new").text

    assert "Grief Support" in found and "Evening Circle" not in found
    assert "Nueva reunión" in spanish and "sala de la línea" in spanish


def test_odd_digits_and_huge_ids_are_refused_not_500(admin: TestClient, settings: Settings) -> None:
    meeting_id = make_meeting()
    add_staff(settings)
    page = sign_in(admin)
    form = {"csrf": csrf_of(page), **MISSION, "group_id": "²", "weekday": "٣", "code": "４８２２"}

    odd = admin.post("/admin/meetings", data=form)
    huge = admin.get("/admin/meetings/99999999999999999999")
    target = admin.post(
        "/admin/broadcasts", data={"csrf": csrf_of(page), "target": "m:²", "body": "hi"}
    )
    report = admin.get("/admin/reports?group=²&from=2026-02-30")

    assert odd.status_code == 400 and "Choose the group" in odd.text
    assert huge.status_code == 404
    assert target.status_code == 200 and "Choose a meeting or a group." in target.text
    assert report.status_code == 200 and meeting_id


def _form_of(page: str) -> dict[str, str]:
    """The meeting form's fields as the page fills them in, ready to post again."""
    form = dict(
        re.findall(r'name="([a-z_]+)" type="(?:text|number|time|url)" [^>]*value="([^"]*)"', page)
    )
    chosen = re.findall(
        r'<select id="([a-z_]+)"[^>]*>.*?<option value="([^"]*)" selected', page, re.S
    )
    form.update(dict(chosen))
    form.update(
        (name, "on") for name in re.findall(r'type="checkbox" name="([a-z_0-9]+)" checked', page)
    )
    form["csrf"] = csrf_of(page)
    return form


def test_a_feed_meeting_warns_and_detaching_makes_edits_hold(
    admin: TestClient, settings: Settings, tmp_path: Path
) -> None:
    feed = write_feed(tmp_path, [feed_row("oakland-tue")])
    import_feed(feed)
    add_staff(settings)
    sign_in(admin)
    meeting = meeting_named("Meeting oakland-tue")
    assert "from feed" in admin.get("/admin/meetings").text
    page = admin.get(f"/admin/meetings/{meeting.id}").text
    assert 'id="feed-warning"' in page and "replaced at the next read of the feed" in page

    saved = admin.post(f"/admin/meetings/{meeting.id}", data={**_form_of(page), "name": "Ours"})
    assert "is saved. Edits made here will be replaced" in saved.text
    import_feed(feed)
    assert meeting_named("Meeting oakland-tue").id == meeting.id  # the feed wrote over it

    detached = admin.post(f"/admin/meetings/{meeting.id}/detach", data={"csrf": csrf_of(page)})
    assert "is detached from its feed" in detached.text and 'id="feed-detached"' in detached.text
    assert admin.post(f"/admin/meetings/{meeting.id}/detach", data={}).status_code == 403
    page = admin.get(f"/admin/meetings/{meeting.id}").text
    saved = admin.post(f"/admin/meetings/{meeting.id}", data={**_form_of(page), "name": "Ours"})
    assert "replaced" not in saved.text
    report = import_feed(feed)
    assert report.detached == ["oakland-tue"] and meeting_named("Ours").id == meeting.id
    spanish = admin.get(f"/admin/language/es?next=/admin/meetings/{meeting.id}").text
    assert "Separada de su listado" in spanish
    with session_scope() as session:
        events = session.execute(
            select(AuditEvent.actor, AuditEvent.action)
            .where(AuditEvent.subject_type == "meeting", AuditEvent.subject_id == meeting.id)
            .order_by(AuditEvent.id)
        ).all()
    assert [action for _, action in events] == [
        "meeting_updated",
        "meeting_detached",
        "meeting_updated",
    ]
    assert all(actor.startswith("coordinator:") for actor, _ in events)


def test_an_admin_assigns_coordinators_who_then_see_only_their_groups(
    admin: TestClient, settings: Settings
) -> None:
    mine = make_meeting(code="4821")
    theirs = make_meeting(code="7734", name="Other Circle")
    boss = people.add_staff(settings, "+15550100001", "admin", name="Ada Admin")
    cy = people.add_staff(settings, "+15550100002", "coordinator", name="Cy Coordinator")
    page = sign_in(admin, "+15550100001")
    form = admin.get(f"/admin/meetings/{mine}").text
    assert 'name="runner_' + str(cy) + '"' in form and "Coordinators who run this meeting" in form

    saved = admin.post(
        f"/admin/meetings/{mine}/runners", data={"csrf": csrf_of(page), f"runner_{cy}": "on"}
    )
    assert "Who runs #4821 is saved." in saved.text
    assert "Cy Coordinator" in saved.text.split('id="runners"')[1].split("</p>")[0]
    assert (
        "Cy Coordinator"
        not in admin.get(f"/admin/meetings/{theirs}").text.split('id="runners"')[1].split("</p>")[0]
    )
    no_token = admin.post(f"/admin/meetings/{mine}/runners", data={f"runner_{cy}": "on"})
    assert no_token.status_code == 403
    with session_scope() as session:
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting_runners_changed")
        ).all()
        assert (event.actor, event.subject_id) == (f"coordinator:{boss}", mine)
        assert event.detail == {"via": "dashboard", "added": [cy], "removed": []}

    admin.cookies.clear()
    page = sign_in(admin, "+15550100002")
    assert admin.get(f"/admin/meetings/{mine}").status_code == 200
    assert admin.get(f"/admin/meetings/{theirs}").status_code == 403
    listing = admin.get("/admin/meetings").text
    assert "#4821" in listing and "Other Circle" not in listing
    refused = admin.post(
        f"/admin/meetings/{mine}/runners", data={"csrf": csrf_of(page), f"runner_{cy}": "on"}
    )
    assert refused.status_code == 403  # coordinators do not choose who runs a meeting

    admin.cookies.clear()
    page = sign_in(admin, "+15550100001")
    cleared = admin.post(f"/admin/meetings/{mine}/runners", data={"csrf": csrf_of(page)})
    assert (
        "No meeting is ticked for Cy Coordinator any more, so they now run every group"
        in cleared.text
    )


def test_a_meeting_on_several_days_is_one_meeting_with_one_code(
    admin: TestClient, settings: Settings
) -> None:
    make_meeting()  # the group
    add_staff(settings)
    sign_in(admin)
    saved = create(admin, weekday="3", also_1="on", also_3="on", also_5="on", also_9="on")
    assert "is saved" in saved
    meeting = meeting_named("Mission Evening Peer Circle")
    # The first day is the weekday, the others more_weekdays; an impossible day is ignored.
    assert (meeting.weekday, meeting.more_weekdays) == (1, [3, 5])
    assert weekly_times(meeting) == [
        (1, dt.time(18, 30)),
        (3, dt.time(18, 30)),
        (5, dt.time(18, 30)),
    ]
    page = admin.get(f"/admin/meetings/{meeting.id}").text
    assert page.count("checked> ") >= 3 and 'name="also_3" checked' in page
    assert "Tuesday, Thursday, Saturday 18:30" in admin.get("/admin/meetings").text

    form = _form_of(page)
    assert (form["also_3"], form["mute_on_entry"]) == ("on", "on")
    del form["also_3"], form["also_5"]  # Thursday and Saturday no longer ticked
    admin.post(f"/admin/meetings/{meeting.id}", data=form)
    again = meeting_named("Mission Evening Peer Circle")
    assert (again.weekday, again.more_weekdays, again.code) == (1, [], meeting.code)
    with session_scope() as session:
        updated = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting_updated")
        ).one()
    assert updated.detail["fields"] == ["more_weekdays"]
    spanish = admin.get(f"/admin/language/es?next=/admin/meetings/{meeting.id}").text
    assert "También los" in spanish
