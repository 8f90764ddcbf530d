"""Who is in a live room, by anonymous label: kept from the conference status callbacks.

A participant is its call leg (CallSid) and a label numbered in order of arrival ("#1", "#2");
never a phone number. The room's head count stays in rooms.py; this adds how long each has
been in and whether they are muted, for the dashboard's live page and its controls.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hotline import clock
from hotline.models import Room, RoomParticipant


def track_participant(
    *, session: Session, room: Room, event: str, call_sid: str, muted: bool | None
) -> None:
    """Record one conference event's effect on the room's participant list."""
    now = clock.now()
    if event == "conference-end":
        session.execute(
            update(RoomParticipant)
            .where(RoomParticipant.room_id == room.id, RoomParticipant.left_at.is_(None))
            .values(left_at=now)
        )
        return
    if not call_sid:
        return
    found = session.scalars(
        select(RoomParticipant).where(
            RoomParticipant.room_id == room.id, RoomParticipant.call_sid == call_sid
        )
    ).first()
    if event == "participant-join":
        if found is None:
            session.add(
                RoomParticipant(
                    room_id=room.id,
                    call_sid=call_sid,
                    label=_next_label(session, room.id),
                    muted=bool(muted),
                    joined_at=now,
                )
            )
        else:  # the same leg back after a hold or a retried callback
            found.left_at, found.muted = None, bool(muted)
    elif found is not None and event == "participant-leave":
        found.left_at = now
    elif found is not None and event in ("participant-mute", "participant-unmute"):
        found.muted = event == "participant-mute"


def _next_label(session: Session, room_id: int) -> int:
    highest = session.scalar(
        select(func.max(RoomParticipant.label)).where(RoomParticipant.room_id == room_id)
    )
    return int(highest or 0) + 1


def participants_in(*, session: Session, room_id: int) -> list[RoomParticipant]:
    """Return the participants in the room now, first arrival first."""
    statement = (
        select(RoomParticipant)
        .where(RoomParticipant.room_id == room_id, RoomParticipant.left_at.is_(None))
        .order_by(RoomParticipant.label)
    )
    return list(session.scalars(statement))


def minutes_in(participant: RoomParticipant, now: dt.datetime) -> int:
    joined = participant.joined_at
    joined = joined if joined.tzinfo else joined.replace(tzinfo=dt.UTC)
    return max(0, int((now - joined).total_seconds() // 60))
