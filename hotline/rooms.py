"""Conference rooms for phone-bridge meetings: opaque names and a live head count."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline import clock
from hotline.logs import log
from hotline.models import Room
from hotline.participants import track_participant

logger = logging.getLogger(__name__)
ROOM_PREFIX = "room-"


def room_name(*, secret_key: str, meeting_id: int, occurrence: dt.datetime) -> str:
    """Return the conference name for one occurrence: an HMAC, so it names nobody.

    Every caller of the same occurrence computes the same name, so no two rooms can split a
    meeting, and nobody can guess a room from a meeting number.
    """
    message = f"room:{meeting_id}:{occurrence.astimezone(dt.UTC).isoformat()}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()
    return ROOM_PREFIX + digest[:32]


def get_room_by_name(*, session: Session, name: str, lock: bool = False) -> Room | None:
    statement = select(Room).where(Room.name == name)
    return session.scalars(statement.with_for_update() if lock else statement).first()


def open_room(*, session: Session, meeting_id: int, name: str) -> Room:
    """Return the room row for this name, creating it (race-safe) for the first caller."""
    room = get_room_by_name(session=session, name=name)
    if room is not None:
        return room
    room = Room(meeting_id=meeting_id, name=name)
    try:
        with session.begin_nested():
            session.add(room)
    except IntegrityError:
        found = get_room_by_name(session=session, name=name)
        assert found is not None
        return found
    log(logger, "room_opened", room_id=room.id, meeting_id=meeting_id)
    return room


def live_head_count(*, session: Session, meeting_id: int) -> int:
    """Return how many people are in the meeting's rooms right now."""
    rooms = session.scalars(
        select(Room).where(Room.meeting_id == meeting_id, Room.status != "ended")
    )
    return sum(room.participants for room in rooms)


def apply_conference_event(
    *,
    session: Session,
    name: str,
    event: str,
    sequence: int,
    conference_sid: str,
    call_sid: str = "",
    muted: bool | None = None,
) -> Room | None:
    """Move a room's status and head count for one status callback; stale events are ignored.

    Twilio numbers a conference's callbacks; one that arrives after a later one is dropped. A
    room emptied and reopened is a new conference (new SID), whose numbering starts again.
    """
    room = get_room_by_name(session=session, name=name, lock=True)
    if room is None:
        log(logger, "conference_unknown_room", conference_sid=conference_sid)
        return None
    if conference_sid and room.conference_sid != conference_sid:
        room.conference_sid, room.last_sequence = conference_sid, 0
    if sequence and sequence <= room.last_sequence:
        log(logger, "conference_stale_event", room_id=room.id, sequence=sequence)
        return room
    room.last_sequence = sequence or room.last_sequence
    _apply(room, event)
    track_participant(session=session, room=room, event=event, call_sid=call_sid, muted=muted)
    log(logger, "conference_event", room_id=room.id, kind=event, participants=room.participants)
    return room


def _apply(room: Room, event: str) -> None:
    if event == "conference-start":
        room.status, room.ended_at = "live", None
    elif event == "conference-end":
        room.status, room.ended_at, room.participants = "ended", clock.now(), 0
    elif event == "participant-join":
        room.participants += 1
        if room.status == "ended":
            room.status, room.ended_at = "waiting", None
    elif event == "participant-leave":
        room.participants = max(0, room.participants - 1)
