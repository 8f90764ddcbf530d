"""/admin/live through the real app: rooms from signed conference callbacks, and the controls
sent by the real twilio client to Prism serving Twilio's own spec."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline import rooms
from hotline.db import session_scope
from hotline.models import AuditEvent, Coordinator, Group, RoomParticipant
from hotline.settings import Settings
from tests.jobs.conftest import prism_url  # noqa: F401 - the session fixture
from tests.twilio import TwilioPoster, new_sid
from tests.web.test_admin import add_staff, csrf_of, sign_in
from tests.web.test_voice_caller import make_meeting


@dataclasses.dataclass
class LiveRoom:
    """A room Twilio has told us about: its conference and the call legs in it."""

    twilio: TwilioPoster
    name: str
    room_id: int
    conference_sid: str
    sequence: int = 0

    def event(self, kind: str, call_sid: str = "", muted: bool = False) -> None:
        self.sequence += 1
        params = {
            "ConferenceSid": self.conference_sid,
            "FriendlyName": self.name,
            "AccountSid": self.twilio.settings.twilio_account_sid,
            "SequenceNumber": str(self.sequence),
            "Timestamp": "Tue, 04 Mar 2025 03:05:00 +0000",
            "StatusCallbackEvent": kind,
        }
        if call_sid:
            params.update(CallSid=call_sid, Muted=str(muted).lower(), Hold="false")
        assert self.twilio.post("/twilio/status/conference", params).status_code == 204

    def join(self) -> str:
        call_sid = new_sid("CA")
        self.event("participant-join", call_sid)
        return call_sid


def open_live_room(twilio: TwilioPoster, *, code: str = "4821", people: int = 2) -> LiveRoom:
    meeting_id = make_meeting(code=code)
    name = rooms.ROOM_PREFIX + new_sid("")[-32:]
    with session_scope() as session:
        room_id = rooms.open_room(session=session, meeting_id=meeting_id, name=name).id
    room = LiveRoom(twilio, name, room_id, new_sid("CF"))
    room.event("conference-start")
    for _ in range(people):
        room.join()
    return room


@pytest.fixture()
def on_prism(settings: Settings, prism_url: str) -> Iterator[TestClient]:  # noqa: F811
    from hotline.web.app import create_app

    chosen = dataclasses.replace(settings, transport="twilio", twilio_api_url=prism_url)
    with TestClient(create_app(chosen), raise_server_exceptions=False) as client:
        client.base_url = "https://testserver"
        yield client


def participants() -> list[RoomParticipant]:
    with session_scope() as session:
        return list(session.scalars(select(RoomParticipant).order_by(RoomParticipant.label)))


def audited(action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_participants_are_tracked_from_the_callbacks(
    settings: Settings, client: TestClient
) -> None:
    room = open_live_room(TwilioPoster(client, settings), people=3)
    first = participants()[0]
    room.event("participant-mute", first.call_sid, muted=True)
    room.event("participant-leave", participants()[1].call_sid)

    assert [(p.label, p.muted, p.left_at is None) for p in participants()] == [
        (1, True, True),
        (2, False, False),
        (3, False, True),
    ]
    room.event("conference-end")
    assert all(p.left_at is not None for p in participants())


def test_live_page_shows_rooms_by_label_and_refreshes(
    on_prism: TestClient, settings: Settings
) -> None:
    add_staff(settings)
    room = open_live_room(TwilioPoster(on_prism, settings))
    sign_in(on_prism)

    page = on_prism.get("/admin/live").text
    rows = on_prism.get("/admin/live/rooms").text

    assert "#4821 Evening Circle" in page and "2 on the line" in page
    assert "Participant #1" in rows and "Participant #2" in rows and "<html" not in rows
    assert 'data-refresh="/admin/live/rooms"' in page
    assert all(p.call_sid not in page for p in participants()) and room.name not in page


def test_mute_unmute_remove_and_mute_all_through_twilios_spec(
    on_prism: TestClient, settings: Settings
) -> None:
    staff_id = add_staff(settings)
    open_live_room(TwilioPoster(on_prism, settings), people=3)
    page = sign_in(on_prism)
    first, second, third = participants()

    muted = on_prism.post(
        f"/admin/live/{first.room_id}/participants/{first.id}/mute", data={"csrf": csrf_of(page)}
    )
    assert "Muted 1." in muted.text
    unmuted = on_prism.post(
        f"/admin/live/{first.room_id}/participants/{first.id}/unmute",
        data={"csrf": csrf_of(page)},
    )
    assert "Unmuted 1." in unmuted.text
    removed = on_prism.post(
        f"/admin/live/{second.room_id}/participants/{second.id}/remove",
        data={"csrf": csrf_of(page)},
    )
    assert "Removed 1." in removed.text
    everyone = on_prism.post(f"/admin/live/{third.room_id}/mute-all", data={"csrf": csrf_of(page)})
    assert "Muted 3." in everyone.text  # the removed leg stays until Twilio says it left

    events = [(e.action, e.actor, e.detail["participant"]) for e in audited("participant_muted")]
    assert events[0] == ("participant_muted", f"coordinator:{staff_id}", 1)
    assert len(events) == 4
    assert [e.detail["participant"] for e in audited("participant_removed")] == [2]
    assert [e.detail["participant"] for e in audited("participant_unmuted")] == [1]


def test_controls_need_the_csrf_token_and_the_right_group(
    on_prism: TestClient, settings: Settings
) -> None:
    room = open_live_room(TwilioPoster(on_prism, settings))
    other_group = make_meeting(code="7734")
    with session_scope() as session:
        group_id = session.scalars(select(Group.id).where(Group.slug == "group-7734")).one()
    staff_id = add_staff(settings)
    with session_scope() as session:
        staff = session.get(Coordinator, staff_id)
        assert staff is not None and other_group
        staff.group_id = group_id
    page = sign_in(on_prism)
    person = participants()[0]
    path = f"/admin/live/{room.room_id}/participants/{person.id}/mute"

    assert on_prism.post(path, data={}).status_code == 403
    assert on_prism.post(path, data={"csrf": csrf_of(page)}).status_code == 403
    mute_all = on_prism.post(f"/admin/live/{room.room_id}/mute-all", data={"csrf": csrf_of(page)})
    assert mute_all.status_code == 403
    assert "Evening Circle" not in on_prism.get("/admin/live").text
    assert audited("participant_muted") == []
