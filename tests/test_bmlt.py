"""BMLT GetSearchResults, read as Meeting Guide rows (fixture written from BMLT's documentation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from hotline import cli
from hotline.bmlt import search_url
from hotline.db import session_scope
from hotline.flows.schedule import weekly_times
from hotline.importer import import_feed
from hotline.models import Meeting
from hotline.settings import Settings

FIXTURE = Path(__file__).resolve().parent / "data" / "bmlt_search_results.json"


def by_slug() -> dict[str, Meeting]:
    with session_scope() as session:
        return {meeting.slug: meeting for meeting in session.scalars(select(Meeting))}


def test_search_url_of_a_root_server() -> None:
    root = "https://bmlt.example.org/main_server"
    assert search_url(root) == f"{root}/client_interface/json/?switcher=GetSearchResults"
    assert search_url(f"{root}/?switcher=GetSearchResults&services=26").endswith("services=26")


def test_bmlt_meetings_become_the_same_meetings(settings: Settings) -> None:
    report = import_feed(str(FIXTURE), hotline_numbers=[settings.from_number or ""], kind="bmlt")

    assert report.created == 5
    assert report.skipped == [("bmlt-106", "bad day 9")]  # weekday_tinyint 9
    assert sorted(report.inactive) == [
        ("bmlt-104", "temporarily closed (TC) with no online or phone option"),
        ("bmlt-105", "inactive in the feed"),  # published "0"
    ]
    meetings = by_slug()
    in_person = meetings["bmlt-101"]
    assert weekly_times(in_person) == [(0, dt.time(19, 30))]  # weekday_tinyint 2: Monday
    assert in_person.duration_minutes == 90
    assert (in_person.location, in_person.city, in_person.state) == (
        "St. Mary's Hall",
        "Portland",
        "OR",
    )
    assert in_person.notes == "Basement, use the side door"
    assert in_person.types == ["O", "B", "W"]
    assert (in_person.format, in_person.in_person, in_person.active) == ("in_person", True, True)

    virtual = meetings["bmlt-102"]  # venue_type 2: no place to go, by phone or online
    assert weekly_times(virtual) == [(6, dt.time(7, 0))]  # weekday_tinyint 1: Sunday
    assert (virtual.format, virtual.in_person) == ("external_bridge", False)
    assert (virtual.conference_phone, virtual.conference_digits) == (
        "+12532158782",
        ",,5551234567#",
    )
    assert virtual.conference_notes == "Meeting ID 555 123 4567, passcode 1234"
    assert "ONL" in virtual.types

    hybrid = meetings["bmlt-103"]  # no time_zone: taken from its coordinates
    assert (hybrid.format, hybrid.in_person, hybrid.time_zone) == (
        "online",
        True,
        "America/Los_Angeles",
    )


def test_import_dash_dash_bmlt(settings: Settings) -> None:
    assert cli.main(["import", "--bmlt", str(FIXTURE)]) == 0
    assert len(by_slug()) == 5
    assert cli.main(["import"]) == 2
