"""Finding a group by phone: ZIP or city, three at a time, read slowly; join or get a text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from hotline.db import session_scope
from hotline.models import OutboxMessage
from tests.clock import travel
from tests.twilio import TwilioPoster
from tests.web.test_voice_caller import MEMBER, MOBILE, MONDAY_EVENING, Caller, make_meeting


@pytest.fixture()
def monday_evening() -> Iterator[None]:
    with travel(MONDAY_EVENING, tick=False):
        yield


# Where the in-person meetings are, and how far each is from ZIP 94110 (the Mission).
MISSION: dict[str, Any] = {"latitude": 37.751, "longitude": -122.415, "postal_code": "94110"}
OAKLAND: dict[str, Any] = {"latitude": 37.804, "longitude": -122.271, "city": "Oakland"}  # 9 mi
BERKELEY: dict[str, Any] = {"latitude": 37.872, "longitude": -122.273, "city": "Berkeley"}  # 11
SACRAMENTO: dict[str, Any] = {"latitude": 38.582, "longitude": -121.494, "city": "Sacramento"}  # 76


@pytest.fixture()
def meetings() -> list[int]:
    return [
        make_meeting(code="4821", name="Evening Circle"),
        make_meeting(code="5310", name="Mission Walk", fmt="in_person", **MISSION),
        make_meeting(code="6620", name="Tuesday Talk", weekday=1),
        make_meeting(code="7731", name="Late Line", start=dt.time(21, 0)),
    ]


def find(twilio: TwilioPoster, number: str = MEMBER, zip_code: str = "94110#") -> Caller:
    caller = Caller(twilio, number)
    caller.start()
    caller.press("1")
    caller.press("3")
    assert "ZIP code" in caller.says()
    caller.press(zip_code)
    return caller


def test_a_zip_reads_the_nearest_groups_first_then_phone_groups_within_the_radius(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_meeting(code="1100", name="Berkeley Hills", fmt="in_person", **BERKELEY)
    make_meeting(code="2200", name="Capitol Friends", fmt="in_person", **SACRAMENTO)
    make_meeting(code="3300", name="Lake Merritt", fmt="in_person", **OAKLAND)
    make_meeting(code="4400", name="Valencia Street", fmt="in_person", weekday=4, **MISSION)
    make_meeting(code="4821", name="Evening Circle")
    caller = find(twilio)
    first = caller.says()
    caller.press("3")
    second = caller.says()
    # Nearest first (though it meets later in the week), then the phone meetings.
    assert first.index("Valencia Street") < first.index("Lake Merritt")
    assert first.index("Lake Merritt") < first.index("Berkeley Hills")
    assert "Evening Circle" in second
    assert "Capitol Friends" not in first + second  # past the 50-mile radius


def test_a_zip_reads_three_groups_slowly_with_codes_and_times(
    twilio: TwilioPoster, meetings: list[int], monday_evening: None
) -> None:
    caller = find(twilio)
    says = caller.says()
    # The local meeting first, then phone meetings soonest first.
    assert says.index("Mission Walk") < says.index("Evening Circle") < says.index("Late Line")
    assert "Meeting number 5, 3, 1, 0." in says
    assert "Monday at 7 PM" in says
    assert "Tuesday Talk" not in says
    assert len(caller.gather().findall("Pause")) >= 3
    assert "press 3" in says  # more to hear
    assert "by text" not in says  # this number cannot take texts


def test_star_repeats_and_three_reads_more(
    twilio: TwilioPoster, meetings: list[int], monday_evening: None
) -> None:
    caller = find(twilio)
    first = caller.says()
    caller.press("*")
    assert caller.says() == first
    caller.press("3")
    assert "Tuesday Talk" in caller.says()
    assert "Mission Walk" not in caller.says()
    caller.press("3")
    assert "no more groups" in caller.says()


def test_one_joins_the_first_group_when_it_is_running(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_meeting(code="4821", name="Evening Circle")
    caller = find(twilio)
    caller.press("1")
    assert caller.conference().text


def test_one_says_when_the_first_group_meets_when_it_is_not_running(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_meeting(code="6620", name="Tuesday Talk", weekday=1)
    caller = find(twilio)
    caller.press("1")
    assert "not open yet" in caller.says()
    assert "Tuesday at 7 PM" in caller.says()


def test_two_texts_the_groups_to_a_mobile(
    twilio: TwilioPoster, meetings: list[int], monday_evening: None
) -> None:
    caller = find(twilio, MOBILE)
    assert "To get these by text, press 2." in caller.says()
    caller.press("2")
    assert "sent these groups to you by text" in caller.says()
    with session_scope() as session:
        (text,) = session.scalars(select(OutboxMessage)).all()
    assert (text.kind, text.purpose) == ("sms", "find")
    assert text.body is not None and "#5310" in text.body and "#4821" in text.body


def test_two_is_not_a_choice_for_a_number_that_cannot_text(
    twilio: TwilioPoster, meetings: list[int], monday_evening: None
) -> None:
    caller = find(twilio)
    caller.press("2")
    assert "not one of the choices" in caller.says()
    with session_scope() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_a_spoken_city_finds_its_groups(
    twilio: TwilioPoster, meetings: list[int], monday_evening: None
) -> None:
    # Sixteen states have an Oakland: the one with a group near it is meant.
    make_meeting(code="8842", name="Oakland Friends", fmt="in_person", **OAKLAND)
    caller = Caller(twilio)
    caller.start()
    caller.press("1")
    caller.press("3")
    caller.press(speech="Oakland.")
    assert "Oakland Friends" in caller.says()


def test_a_place_without_groups_says_so_and_asks_again(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    caller = Caller(twilio)
    caller.start()
    caller.press("1")
    caller.press("3")
    caller.press(speech="Nowhere Town")
    assert "found no groups" in caller.says()
    assert "ZIP code" in caller.says()


def test_a_short_zip_is_a_wrong_entry(twilio: TwilioPoster) -> None:
    caller = find(twilio, zip_code="941#")
    assert "not one of the choices" in caller.says()


def test_a_caller_in_new_york_hears_phone_meetings_in_eastern_time(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    """A Pacific phone meeting at 7 PM is 10 PM for a caller who searched a New York ZIP."""
    make_meeting(code="6620", name="Tuesday Talk", weekday=1)  # Tuesdays 7 PM Pacific

    says = find(twilio, zip_code="10027#").says()

    assert "Tuesday Talk. Tuesday at 10 PM Eastern time." in says
    assert "7 PM" not in says


@pytest.mark.parametrize("zip_code", ["1#"])
def test_one_at_the_zip_prompt_reads_the_phone_meetings_starting_soonest(
    twilio: TwilioPoster, meetings: list[int], monday_evening: None, zip_code: str
) -> None:
    says = find(twilio, zip_code=zip_code).says()

    assert "Mission Walk" not in says  # in person: not a phone meeting
    # Monday 19:05 in San Francisco: Evening Circle is under way, Late Line at 9, then Tuesday.
    assert says.index("Evening Circle") < says.index("Late Line") < says.index("Tuesday Talk")


def test_the_zip_prompt_offers_the_soonest_phone_meetings(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    caller = Caller(twilio, MEMBER)
    caller.start()
    caller.press("1")
    caller.press("3")  # find a group (2 is the warm line)
    assert "For the phone meetings starting soonest, press 1 then pound." in caller.says()
