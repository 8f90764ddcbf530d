"""/admin/live: rooms in session, who is in each by anonymous label, and the controls.

Mute, unmute and remove go to Twilio's Conference Participants API through the transport; each
is audited. The participant list itself follows Twilio's status callbacks, so a mute shows once
Twilio reports it (the page refreshes itself).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.logs import log
from hotline.models import Meeting, Room, RoomParticipant
from hotline.participants import minutes_in, participants_in
from hotline.transport import ConferenceControl, TransportError, get_conference_control
from hotline.web.admin_access import can_manage_meeting, my_meetings, runs_meetings
from hotline.web.admin_pages import Staff, act, fragment, page
from hotline.web.ids import ID

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParticipantRow:
    id: int
    label: int
    minutes: int
    muted: bool


@dataclass(frozen=True)
class LiveRoom:
    id: int
    code: str
    name: str
    head_count: int
    minutes: int
    connected: bool
    participants: list[ParticipantRow]


def _rooms(staff: Staff) -> dict[str, Any]:
    if not runs_meetings(staff.me):
        raise staff.forbid()
    statement = (
        select(Room, Meeting)
        .join(Meeting, Meeting.id == Room.meeting_id)
        .where(Room.status != "ended", (Room.participants > 0) | (Room.status == "live"))
        .where(my_meetings(staff.me))
        .order_by(Meeting.code, Room.id)
    )
    rooms = []
    for room, meeting in staff.session.execute(statement):
        people = participants_in(session=staff.session, room_id=room.id)
        rooms.append(
            LiveRoom(
                id=room.id,
                code=meeting.code,
                name=meeting.name,
                head_count=room.participants,
                minutes=max((minutes_in(p, staff.now) for p in people), default=0),
                connected=room.conference_sid is not None,
                participants=[
                    ParticipantRow(p.id, p.label, minutes_in(p, staff.now), p.muted) for p in people
                ],
            )
        )
    return {"rooms": rooms}


def _my_room(staff: Staff, room_id: int) -> Room:
    room = staff.session.get(Room, room_id)
    if room is None:
        raise staff.missing()
    if not can_manage_meeting(session=staff.session, me=staff.me, meeting_id=room.meeting_id):
        raise staff.forbid()
    return room


Control = Callable[[ConferenceControl, str, str], None]
_CONTROLS: dict[str, tuple[Control, str]] = {
    "mute": (lambda c, conf, call: c.set_participant_muted(conf, call, True), "participant_muted"),
    "unmute": (
        lambda c, conf, call: c.set_participant_muted(conf, call, False),
        "participant_unmuted",
    ),
    "remove": (lambda c, conf, call: c.remove_participant(conf, call), "participant_removed"),
}


def _control(
    staff: Staff, room_id: int, action: str, targets: list[RoomParticipant] | None
) -> tuple[str, str | None]:
    room = _my_room(staff, room_id)
    words = staff.words
    if room.conference_sid is None:
        return "/admin/live", words.t("dash.live_not_connected")
    people = (
        targets if targets is not None else participants_in(session=staff.session, room_id=room.id)
    )
    run, audited = _CONTROLS[action]
    controls = get_conference_control(staff.settings)
    done = 0
    for person in people:
        try:
            run(controls, room.conference_sid, person.call_sid)
        except TransportError as exc:
            log(logger, "live_control_failed", logging.WARNING, room_id=room.id, reason=exc.reason)
            return "/admin/live", words.t("dash.live_refused", label=person.label)
        if action != "remove":
            person.muted = action == "mute"
        staff.audit(audited, "room", room.id, participant=person.label)
        done += 1
    return "/admin/live", words.t(f"dash.live_done_{action}", count=done)


def _participant(staff: Staff, room_id: int, participant_id: int) -> RoomParticipant:
    person = staff.session.get(RoomParticipant, participant_id)
    if person is None or person.room_id != room_id or person.left_at is not None:
        raise staff.missing()
    return person


async def live_page(request: Request) -> Response:
    return await page(request, "live.html", _rooms)


async def live_rooms(request: Request) -> Response:
    return await fragment(request, "live_rooms.html", _rooms)


async def control_one(request: Request) -> Response:
    room_id, participant_id = request.path_params["room_id"], request.path_params["pid"]
    action = request.path_params["action"]
    if action not in _CONTROLS:
        return Response(status_code=404)

    def run(staff: Staff, _fields: dict[str, str]) -> tuple[str, str | None]:
        _my_room(staff, room_id)  # the 403 comes before the 404 of someone else's participant
        return _control(staff, room_id, action, [_participant(staff, room_id, participant_id)])

    return await act(request, run)


async def mute_all(request: Request) -> Response:
    room_id = request.path_params["room_id"]
    return await act(request, lambda staff, _fields: _control(staff, room_id, "mute", None))


routes = [
    Route("/live", live_page),
    Route("/live/rooms", live_rooms),
    Route(f"/live/{{room_id:{ID}}}/mute-all", mute_all, methods=["POST"]),
    Route(
        f"/live/{{room_id:{ID}}}/participants/{{pid:{ID}}}/{{action}}",
        control_one,
        methods=["POST"],
    ),
]
