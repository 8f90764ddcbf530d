"""Conference status callbacks keep a live head count per room, keyed by its opaque name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from hotline import rooms
from hotline.db import session_scope
from hotline.models import Room
from tests.clock import travel
from tests.twilio import TwilioPoster, new_sid
from tests.web.test_voice_caller import MONDAY_EVENING, Caller, make_meeting


@pytest.fixture()
def room_name(twilio: TwilioPoster) -> Iterator[str]:
    make_meeting()
    with travel(MONDAY_EVENING, tick=False):
        caller = Caller(twilio)
        caller.start()
        for digits in ("1", "1", "4821#"):
            caller.press(digits)
        yield caller.conference().text or ""


class Conference:
    def __init__(self, twilio: TwilioPoster, name: str) -> None:
        self.twilio = twilio
        self.name = name
        self.sid = new_sid("CF")
        self.sequence = 0

    def event(self, kind: str, *, sequence: int | None = None) -> None:
        self.sequence += 1
        params = {
            "ConferenceSid": self.sid,
            "FriendlyName": self.name,
            "AccountSid": self.twilio.settings.twilio_account_sid,
            "SequenceNumber": str(sequence if sequence is not None else self.sequence),
            "Timestamp": "Tue, 04 Mar 2025 03:05:00 +0000",
            "StatusCallbackEvent": kind,
        }
        if kind.startswith("participant"):
            params.update(CallSid=new_sid("CA"), Muted="true", Hold="false", Coaching="false")
        response = self.twilio.post("/twilio/status/conference", params)
        assert response.status_code == 204


def room(name: str) -> Room:
    with session_scope() as session:
        found = rooms.get_room_by_name(session=session, name=name)
        assert found is not None
        return found


def head_count() -> int:
    with session_scope() as session:
        (room_row,) = session.scalars(select(Room)).all()
        return rooms.live_head_count(session=session, meeting_id=room_row.meeting_id)


def test_join_and_leave_move_the_head_count_up_and_down(
    twilio: TwilioPoster, room_name: str
) -> None:
    conference = Conference(twilio, room_name)
    conference.event("participant-join")
    conference.event("conference-start")
    assert room(room_name).status == "live"
    conference.event("participant-join")
    conference.event("participant-join")
    assert head_count() == 3
    conference.event("participant-leave")
    assert head_count() == 2
    conference.event("participant-leave")
    conference.event("participant-leave")
    conference.event("participant-leave")  # one too many: never below zero
    assert head_count() == 0
    conference.event("conference-end")
    assert room(room_name).status == "ended"


def test_a_stale_event_is_ignored(twilio: TwilioPoster, room_name: str) -> None:
    conference = Conference(twilio, room_name)
    conference.event("participant-join", sequence=5)
    conference.event("participant-join", sequence=4)  # late, out of order
    assert room(room_name).participants == 1
    assert room(room_name).last_sequence == 5


def test_a_reopened_room_counts_afresh(twilio: TwilioPoster, room_name: str) -> None:
    first = Conference(twilio, room_name)
    first.event("participant-join")
    first.event("conference-end")
    second = Conference(twilio, room_name)  # a new ConferenceSid, numbering from 1 again
    second.event("participant-join")
    assert room(room_name).participants == 1
    assert room(room_name).status == "waiting"


def test_unknown_rooms_and_other_conferences_are_ignored(twilio: TwilioPoster) -> None:
    Conference(twilio, "room-unknown").event("participant-join")
    Conference(twilio, "coordinator-bridge-12").event("participant-join")


def test_an_unsigned_callback_is_forbidden(twilio: TwilioPoster) -> None:
    params = {"ConferenceSid": new_sid("CF"), "FriendlyName": "room-x"}
    response = twilio.post("/twilio/status/conference", params, signed=False)
    assert response.status_code == 403
