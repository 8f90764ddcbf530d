"""Times a person can use, end to end: signed texts and calls through the app, then reminders.

A phone meeting in Los Angeles is told in the member's own zone (from their number), with that
zone named; an in-person one in the meeting's zone, named too. Across both 2026 DST changes:
the Sunday meeting after the change is told at its new time even by a text written before it,
and Phoenix (no DST) sees the Pacific meeting move an hour.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.db import session_scope
from hotline.jobs import reminders
from hotline.models import Meeting, OutboxMessage
from hotline.sms.coordinator import cancel_next_occurrence
from tests.clock import travel
from tests.twilio import TwilioPoster, sms_texts
from tests.web.test_voice_caller import Caller, make_meeting

NEW_YORK = "+12125550123"
PHOENIX = "+16025550123"
LOS_ANGELES = "+14155550123"
DOWNTOWN_LA: dict[str, Any] = {
    "latitude": 34.05,
    "longitude": -118.25,
    "address": "1 Main St",
    "city": "Los Angeles",
}

# (when the member writes, the meeting's next start in UTC, what each member is told of the
# phone meeting by text and by voice, and of the in-person one by text).
# Sundays 18:30 in Los Angeles.
WEEKS = {
    # Saturday before spring forward (8 March): the next meeting is already in PDT.
    "march": (
        dt.datetime(2026, 3, 7, 20, 0, tzinfo=dt.UTC),  # Sat 12:00 PST
        dt.datetime(2026, 3, 9, 1, 30, tzinfo=dt.UTC),  # Sun 18:30 PDT
        {
            NEW_YORK: ("Sun 9:30pm EDT", "Sunday at 9:30 PM Eastern time", "Sun 6:30pm PDT"),
            # Phoenix keeps MST, now the same clock as PDT: nothing to convert or name.
            PHOENIX: ("Sun 6:30pm", "Sunday at 6:30 PM", "Sun 6:30pm"),
            LOS_ANGELES: ("Sun 6:30pm", "Sunday at 6:30 PM", "Sun 6:30pm"),
        },
    ),
    # A week earlier, still winter time everywhere.
    "february": (
        dt.datetime(2026, 2, 28, 20, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC),  # Sun 18:30 PST
        {
            NEW_YORK: ("Sun 9:30pm EST", "Sunday at 9:30 PM Eastern time", "Sun 6:30pm PST"),
            PHOENIX: ("Sun 7:30pm MST", "Sunday at 7:30 PM Mountain time", "Sun 6:30pm PST"),
            LOS_ANGELES: ("Sun 6:30pm", "Sunday at 6:30 PM", "Sun 6:30pm"),
        },
    ),
    # Saturday before fall back (1 November): the next meeting is in PST.
    "november": (
        dt.datetime(2026, 10, 31, 19, 0, tzinfo=dt.UTC),  # Sat 12:00 PDT
        dt.datetime(2026, 11, 2, 2, 30, tzinfo=dt.UTC),  # Sun 18:30 PST
        {
            NEW_YORK: ("Sun 9:30pm EST", "Sunday at 9:30 PM Eastern time", "Sun 6:30pm PST"),
            PHOENIX: ("Sun 7:30pm MST", "Sunday at 7:30 PM Mountain time", "Sun 6:30pm PST"),
            LOS_ANGELES: ("Sun 6:30pm", "Sunday at 6:30 PM", "Sun 6:30pm"),
        },
    ),
}


@pytest.fixture(params=sorted(WEEKS))
def week(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def meetings() -> None:
    make_meeting(code="4821", name="Sunday Night Line", weekday=6, start=dt.time(18, 30))
    make_meeting(
        code="5310",
        name="Echo Park Circle",
        fmt="in_person",
        weekday=6,
        start=dt.time(18, 30),
        postal_code="90012",
        **DOWNTOWN_LA,
    )


def test_texts_tell_phone_meetings_in_the_members_zone_and_in_person_in_the_meetings(
    twilio: TwilioPoster, week: str
) -> None:
    now, _, told = WEEKS[week]
    meetings()
    with travel(now, tick=False):
        for number, (texted, _said, in_person) in told.items():
            (info,) = sms_texts(twilio.sms(number, "INFO 4821"))
            assert info.startswith(f"#4821 Sunday Night Line. {texted}."), (number, info)
            (soonest,) = sms_texts(twilio.sms(number, "FIND NOW"))
            assert f"#4821 {texted} Sunday Night Line" in soonest, (number, soonest)
            (place,) = sms_texts(twilio.sms(number, "INFO 5310"))
            # In person: the meeting's own zone, named for a reader who may be elsewhere.
            assert place.startswith(f"#5310 Echo Park Circle. {in_person}."), (number, place)


def test_the_voice_says_phone_meetings_in_the_callers_zone(twilio: TwilioPoster, week: str) -> None:
    now, _, told = WEEKS[week]
    meetings()
    with travel(now, tick=False):
        for number, (_texted, said, _in_person) in told.items():
            caller = Caller(twilio, number)
            caller.start()
            caller.press("1")  # English
            caller.press("1")  # join a meeting
            caller.press("4821#")
            words = caller.says()
            assert f"It next meets {said}." in words, (number, words)


def test_reminders_tell_the_time_in_the_members_zone_across_the_change(
    twilio: TwilioPoster, week: str
) -> None:
    now, start, told = WEEKS[week]
    meetings()
    with travel(now, tick=False):
        for number in told:
            for code in ("4821", "5310"):
                (reply,) = sms_texts(twilio.sms(number, f"REMIND {code}"))
                assert reply.startswith(f"Reminders on for #{code}"), reply
        for number, (texted, _said, in_person) in told.items():
            (my,) = sms_texts(twilio.sms(number, "MY"))
            assert f"#4821 Sunday Night Line, {texted}" in my, (number, my)
            assert f"#5310 Echo Park Circle, {in_person}" in my, (number, my)
    # The day-before reminder is written before the change, the hour-before one after it.
    for lead in (dt.timedelta(days=1), dt.timedelta(hours=1)):
        with travel(start - lead, tick=False):
            assert reminders.tick(start - lead) == 2 * len(told)
    with session_scope() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.purpose == "reminder")
        ).all()
        by_contact: dict[int, list[str]] = {}
        for row in rows:
            by_contact.setdefault(row.contact_id, []).append(row.body or "")
    # Contacts were made in the order the members first texted.
    assert len(by_contact) == len(told)
    for contact_id, (texted, _said, in_person) in zip(
        sorted(by_contact), told.values(), strict=True
    ):
        assert sorted(by_contact[contact_id]) == sorted(
            [f"Reminder: Sunday Night Line (#4821) is {texted}. " + _TAIL.format(code="4821")] * 2
            + [f"Reminder: Echo Park Circle (#5310) is {in_person}. " + _TAIL.format(code="5310")]
            * 2
        )


_TAIL = "Text INFO {code} for details, LEAVE {code} to stop reminders."


def test_a_cancel_notice_tells_the_date_in_the_members_zone(
    twilio: TwilioPoster, week: str
) -> None:
    now, start, told = WEEKS[week]
    meetings()
    with travel(now, tick=False):
        for number in told:
            sms_texts(twilio.sms(number, "REMIND 4821"))
        with session_scope() as session:
            meeting = session.scalars(select(Meeting).where(Meeting.code == "4821")).one()
            cancel_next_occurrence(session=session, meeting=meeting, coordinator_id=1, now=now)
    with session_scope() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "cancel"))
        bodies = {row.contact_id: row.body or "" for row in rows}
    # The Sunday after: for February's week that is 8 March, after the change.
    after = WEEKS["march" if week == "february" else week][2]
    dates = [
        (start + dt.timedelta(days=d)).astimezone(ZoneInfo("America/Los_Angeles")) for d in (0, 7)
    ]
    for contact_id, number in zip(sorted(bodies), told, strict=True):
        (day, clock), (_, later) = told[number][0].split(" ", 1), after[number][0].split(" ", 1)
        first, second = (f"{day} {d.month}/{d.day}" for d in dates)
        assert bodies[contact_id] == (
            f"Hotline: Sunday Night Line (#4821) on {first} {clock} is cancelled. "
            f"The next one is {second} {later}."
        )
