"""Reading feed rows the way intergroups publish them (the spec, read leniently)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hotline.feeds import FeedError, parse_row, plain_text
from hotline.flows.schedule import weekly_times
from hotline.meeting_types import Topic, topic_of
from hotline.places import city_key, place_for_address, place_for_city, place_for_postal_code


def row(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "slug": "s",
        "name": "Serenity",
        "day": 1,
        "time": "19:00",
        "address": "201 S Main St",
        "city": "Fuquay-Varina",
        "state": "NC",
        "postal_code": "27526",
        "timezone": "America/New_York",
    }
    return {key: value for key, value in {**base, **fields}.items() if value is not None}


@pytest.mark.parametrize(
    ("day", "weekday"),
    [
        ("Sunday", 6), ("sunday", 6), ("SUN", 6), ("Domingo", 6), ("domingo", 6), ("dimanche", 6),
        ("Monday", 0), ("lunes", 0), ("Miércoles", 2), ("miercoles", 2), ("Sábado", 5),
        ("Thurs", 3), ("2", 1), (2, 1), (2.0, 1), (" 6 ", 5),
    ],
)  # fmt: skip
def test_day_names_and_numbers_in_several_languages(day: object, weekday: int) -> None:
    assert parse_row(row(day=day)).weekday == weekday


def test_a_list_of_day_names_is_one_meeting() -> None:
    meeting = parse_row(row(day=["Saturday", "Monday", "wednesday"], time="06:30:00"))
    assert weekly_times(meeting) == [(0, dt.time(6, 30)), (2, dt.time(6, 30)), (5, dt.time(6, 30))]


@pytest.mark.parametrize(
    ("time", "expected"),
    [("19:00", dt.time(19)), ("19:00:00", dt.time(19)), ("7:05", dt.time(7, 5)),
     ("7:30 PM", dt.time(19, 30)), ("12:15 am", dt.time(0, 15)), ("12:00 p.m.", dt.time(12))],
)  # fmt: skip
def test_times_with_seconds_or_a_clock_suffix(time: str, expected: dt.time) -> None:
    assert parse_row(row(time=time)).start_time == expected


@pytest.mark.parametrize("time", ["25:00", "19:60", "13:00 PM", "7pm", "", None])
def test_unreadable_times_are_named(time: str | None) -> None:
    with pytest.raises(FeedError, match="bad time"):
        parse_row({**row(), "time": time})


def test_numbers_as_strings_and_html_as_plain_text() -> None:
    meeting = parse_row(
        row(
            slug=357,
            day="3",
            latitude="35.5854",
            longitude="-78.8000",
            name="Step &amp; Tradition",
            notes="Side door.<br />Parking behind &quot;the church&quot;.<p>Bring a friend</p>",
            location="St. Mark&#39;s Hall",
        )
    )
    assert meeting.slug == "357"
    assert (meeting.latitude, meeting.longitude) == (35.5854, -78.8)
    assert meeting.name == "Step & Tradition"
    assert meeting.notes == 'Side door.\nParking behind "the church".\nBring a friend'
    assert meeting.location == "St. Mark's Hall"
    assert plain_text("a<script>x</script>b") == "axb"  # tags go, their text stays plain


def test_an_address_with_city_and_state_and_no_zip_is_placed() -> None:
    meeting = parse_row(
        row(
            address="100 Main St, Tupelo, MS",
            city=None,
            state=None,
            postal_code=None,
            timezone=None,
        )
    )
    assert (meeting.city, meeting.state, meeting.country) == ("Tupelo", "MS", "US")
    assert meeting.latitude == pytest.approx(34.26, abs=0.1)
    assert meeting.time_zone == "America/Chicago"


@pytest.mark.parametrize(
    ("city", "state"),
    [("Fuquay Varina", "NC"), ("fuquay-varina", "nc"), ("St. Paul", "MN"), ("Saint Paul", "MN"),
     ("ST PAUL", "MN"), ("Cañon City", "CO"), ("Canon City", "CO")],
)  # fmt: skip
def test_city_names_match_loosely(city: str, state: str) -> None:
    assert place_for_address(city, state) is not None
    assert city_key(city) == city_key(city.upper())


def test_zero_coordinates_are_none_and_the_city_places_the_row() -> None:
    meeting = parse_row(row(latitude="0", longitude="0", city="Fuquay Varina", postal_code=None))
    assert meeting.latitude == pytest.approx(35.58, abs=0.1)
    assert meeting.longitude == pytest.approx(-78.8, abs=0.1)


def test_a_missing_time_zone_comes_from_the_coordinates_then_the_zip_then_the_default() -> None:
    # Coordinates in Ontario, no postal code: the boundary data says Toronto.
    at_point = row(timezone=None, latitude=44.47, longitude=-77.31, country="CA", postal_code=None)
    assert parse_row(at_point).time_zone == "America/Toronto"
    # No coordinates: the ZIP's zone.
    assert parse_row(row(timezone=None, postal_code="94110", city=None)).time_zone == (
        "America/Los_Angeles"
    )
    # Nothing to place it by: the feed's default, or a true reason.
    online = {"slug": "o", "name": "O", "day": 1, "time": "19:00", "conference_url": "https://x"}
    assert parse_row(online, default_time_zone="America/Denver").time_zone == "America/Denver"
    with pytest.raises(FeedError, match="no time zone"):
        parse_row(online)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # (format, in_person, active)
        ({"types": ["O", "TC"]}, ("in_person", False, False)),
        ({"types": ["TC"], "conference_url": "https://z"}, ("online", False, True)),
        ({"types": ["ONL"]}, ("in_person", True, True)),  # ONL without a link: just in person
        ({"types": ["ONL"], "conference_phone": "+16465588656"}, ("external_bridge", True, True)),
        ({"approximate": "yes", "conference_url": "https://z"}, ("online", False, True)),
        ({"approximate": "yes"}, ("in_person", False, False)),
        ({"attendance_option": "inactive"}, ("in_person", False, False)),
    ],
)  # fmt: skip
def test_attendance_follows_the_spec(
    fields: dict[str, Any], expected: tuple[str, bool, bool]
) -> None:
    meeting = parse_row(row(**fields))
    assert (meeting.format, meeting.in_person, meeting.active) == expected
    assert "ONL" not in meeting.types or meeting.format != "in_person"


def test_canadian_towns_place_rows_and_searches() -> None:
    quinte = {"slug": "q", "name": "Q", "day": 2, "time": "19:30", "country": "CA"}
    napanee = parse_row({**quinte, "city": "Napanee", "postal_code": ""})  # no province given
    assert (napanee.time_zone, napanee.country) == ("America/Toronto", "CA")
    assert napanee.latitude == pytest.approx(44.25, abs=0.1)
    montreal = parse_row({**quinte, "address": "1 Rue Sainte-Catherine, Montréal, QC"})
    assert montreal.time_zone == "America/Toronto"
    assert montreal.longitude == pytest.approx(-73.6, abs=0.2)
    belleville, topic = place_for_city(("grief", "belleville"), "ON")
    assert belleville is not None and belleville.label == "Belleville, ON"
    assert topic == "grief"
    assert place_for_city(("belleville",), "IL")[0] != belleville  # the one in Illinois


def test_topic_words_become_type_codes_in_english_and_spanish() -> None:
    assert topic_of("lgbtq women anxiety") == Topic(frozenset({"LGBTQ", "W"}), ("anxiety",))
    assert topic_of("mujeres espanol") == Topic(frozenset({"W", "S"}), ())
    assert topic_of(None) == Topic() and not topic_of("")
    lgbtq = topic_of("lgbtq")
    assert lgbtq.matches(frozenset({"LGBTQ", "O"}), "rainbow group")
    assert not lgbtq.matches(frozenset({"O"}), "lgbtq friendly")  # a name is not a type


def test_an_online_row_with_no_link_and_only_a_city_is_not_placed_at_its_centre() -> None:
    meeting = parse_row(row(types=["ONL"], address=None, postal_code=None))
    assert (meeting.active, meeting.inactive_reason) == (
        False,
        "online (ONL) with no link or phone, and no street address",
    )
    assert parse_row(row(types=["ONL"])).active  # a street to go to: an in-person meeting


@pytest.mark.parametrize("code", ["K8N 5W6", "k8n5w6", "K8N"])
def test_a_canadian_postal_code_is_placed_at_its_fsa(code: str) -> None:
    place = place_for_postal_code(code)
    assert place is not None
    assert place.label == code.upper().replace("K8N5W6", "K8N 5W6")
    assert (round(place.latitude, 2), round(place.longitude, 2)) == (44.16, -77.37)  # Belleville
    assert place.time_zone == "America/Toronto"


@pytest.mark.parametrize("code", ["H0H 0H0", "Z9Z", "K8N 5W", "94110", "KKN"])
def test_a_postal_code_the_table_cannot_place_is_none(code: str) -> None:
    assert place_for_postal_code(code) is None


def test_a_canadian_row_with_only_a_postal_code_is_placed_by_it() -> None:
    meeting = parse_row(row(city="", state="", country="CA", postal_code="K8P 2A1", timezone=None))
    assert meeting.latitude is not None and round(meeting.latitude, 1) == 44.2
    assert meeting.time_zone == "America/Toronto"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("FIND K8N 5W6", ("k8n5w6",)),
        ("find k8n5w6", ("k8n5w6",)),
        ("FIND anxiety K8N", ("anxiety", "k8n")),
        ("BUSCAR k8n 5w6", ("k8n5w6",)),
    ],
)
def test_a_postal_code_is_one_word_of_find(body: str, words: tuple[str, ...]) -> None:
    from hotline.flows.sms.keywords import Kind, parse

    command = parse(body)
    assert (command.kind, command.words) == (Kind.FIND, words)
