from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from hotline.flows.schedule import (
    local_label,
    next_occurrences,
    occurrence_in_progress,
    spoken_label,
)

MON, TUE, WED, SUN = 0, 1, 2, 6


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def hm(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


@pytest.mark.parametrize(
    ("weekday", "start", "time_zone", "after", "count", "expected"),
    [
        # New York, spring forward on Sun 8 March 2026: 19:00 local moves from 00:00Z to 23:00Z.
        (TUE, "19:00", "America/New_York", "2026-03-01 00:00", 3,
         ["2026-03-04 00:00", "2026-03-10 23:00", "2026-03-17 23:00"]),
        # New York, fall back on Sun 1 November 2026.
        (TUE, "19:00", "America/New_York", "2026-10-25 00:00", 2,
         ["2026-10-27 23:00", "2026-11-04 00:00"]),
        # 02:30 does not exist on 8 March in New York: shifted forward to 03:30 EDT.
        (SUN, "02:30", "America/New_York", "2026-03-07 00:00", 2,
         ["2026-03-08 07:30", "2026-03-15 06:30"]),
        # 01:30 happens twice on 1 November in New York: the first one (EDT).
        (SUN, "01:30", "America/New_York", "2026-10-31 00:00", 2,
         ["2026-11-01 05:30", "2026-11-08 06:30"]),
        # London, BST from Sun 29 March 2026.
        (WED, "18:00", "Europe/London", "2026-03-20 00:00", 2,
         ["2026-03-25 18:00", "2026-04-01 17:00"]),
        # London's gap is 01:00-02:00: 01:30 becomes 02:30 BST, i.e. 01:30Z.
        (SUN, "01:30", "Europe/London", "2026-03-28 00:00", 1, ["2026-03-29 01:30"]),
        # Kolkata is +05:30 all year; Monday 07:00 there is still Sunday in UTC.
        (MON, "07:00", "Asia/Kolkata", "2026-03-01 00:00", 2,
         ["2026-03-02 01:30", "2026-03-09 01:30"]),
        # `after` is Sunday 20:00Z, already Monday 01:30 in Kolkata: the 07:00 start is ahead.
        (MON, "07:00", "Asia/Kolkata", "2026-03-01 20:00", 1, ["2026-03-02 01:30"]),
        # Auckland leaves daylight time on Sun 5 April 2026 (+13 -> +12).
        (MON, "09:00", "Pacific/Auckland", "2026-03-28 00:00", 2,
         ["2026-03-29 20:00", "2026-04-05 21:00"]),
        # Auckland's spring gap on Sun 27 September 2026 is 02:00-03:00.
        (SUN, "02:30", "Pacific/Auckland", "2026-09-25 00:00", 2,
         ["2026-09-26 14:30", "2026-10-03 13:30"]),
    ],
)  # fmt: skip
def test_next_occurrences(
    weekday: int, start: str, time_zone: str, after: str, count: int, expected: list[str]
) -> None:
    found = next_occurrences(
        weekday=weekday, start=hm(start), time_zone=time_zone, after=utc(after), count=count
    )
    assert found == [utc(text) for text in expected]
    assert all(when.tzinfo is dt.UTC for when in found)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2026-03-10 23:00", "2026-03-17 23:00"),  # exactly at a start: strictly after
        ("2026-03-10 22:59:59.999999", "2026-03-10 23:00"),
        ("2026-03-10 23:00:00.000001", "2026-03-17 23:00"),
    ],
)
def test_after_at_a_start(after: str, expected: str) -> None:
    found = next_occurrences(
        weekday=TUE, start=hm("19:00"), time_zone="America/New_York", after=utc(after)
    )
    assert found == [utc(expected)]


NEW_YORK_TUESDAY_19 = {"weekday": TUE, "start": hm("19:00"), "time_zone": "America/New_York"}
AUCKLAND_MONDAY_09 = {"weekday": MON, "start": hm("09:00"), "time_zone": "Pacific/Auckland"}


@pytest.mark.parametrize(
    ("meeting", "after", "cancelled", "expected"),
    [
        (NEW_YORK_TUESDAY_19, "2026-03-01 00:00", [dt.date(2026, 3, 10)],
         ["2026-03-04 00:00", "2026-03-17 23:00"]),
        (NEW_YORK_TUESDAY_19, "2026-03-01 00:00", [dt.date(2026, 3, 3), dt.date(2026, 3, 10)],
         ["2026-03-17 23:00", "2026-03-24 23:00"]),
        # A date that is not a meeting day changes nothing.
        (NEW_YORK_TUESDAY_19, "2026-03-01 00:00", [dt.date(2026, 3, 4)],
         ["2026-03-04 00:00", "2026-03-10 23:00"]),
        # Cancellations are local dates: Monday 30 March in Auckland is Sunday 29 March in UTC.
        (AUCKLAND_MONDAY_09, "2026-03-28 00:00", [dt.date(2026, 3, 30)],
         ["2026-04-05 21:00", "2026-04-12 21:00"]),
    ],
)  # fmt: skip
def test_cancelled_dates_are_skipped(
    meeting: dict[str, Any], after: str, cancelled: list[dt.date], expected: list[str]
) -> None:
    found = next_occurrences(**meeting, after=utc(after), cancelled=set(cancelled), count=2)
    assert found == [utc(text) for text in expected]


def test_wall_clock_holds_for_a_year() -> None:
    zone = ZoneInfo("America/New_York")
    found = next_occurrences(
        weekday=TUE,
        start=hm("19:00"),
        time_zone="America/New_York",
        after=utc("2026-01-01 00:00"),
        count=53,
    )
    local = [when.astimezone(zone) for when in found]
    assert {(when.weekday(), when.hour, when.minute) for when in local} == {(TUE, 19, 0)}
    assert {when.utcoffset() for when in local} == {dt.timedelta(hours=-5), dt.timedelta(hours=-4)}
    assert all(
        b - a in {dt.timedelta(days=7, hours=h) for h in (-1, 0, 1)}
        for a, b in itertools.pairwise(found)
    )


def test_count_zero_is_empty() -> None:
    assert (
        next_occurrences(
            weekday=TUE, start=hm("19:00"), time_zone="UTC", after=utc("2026-03-01 00:00"), count=0
        )
        == []
    )


def test_bad_input_is_refused() -> None:
    naive = dt.datetime(2026, 3, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrences(weekday=TUE, start=hm("19:00"), time_zone="UTC", after=naive)
    with pytest.raises(ValueError, match="weekday"):
        next_occurrences(weekday=7, start=hm("19:00"), time_zone="UTC", after=utc("2026-03-01"))
    with pytest.raises(ZoneInfoNotFoundError):
        next_occurrences(
            weekday=TUE, start=hm("19:00"), time_zone="Mars/Olympus", after=utc("2026-03-01")
        )


# Tuesday 10 March 2026, 19:00-20:30 in New York (23:00Z-00:30Z), open 15 minutes early.
@pytest.mark.parametrize(
    ("at", "cancelled", "expected"),
    [
        ("2026-03-10 22:44:59", [], None),
        ("2026-03-10 22:45", [], "2026-03-10 23:00"),
        ("2026-03-10 23:00", [], "2026-03-10 23:00"),
        ("2026-03-11 00:29:59", [], "2026-03-10 23:00"),
        ("2026-03-11 00:30", [], None),  # the end is excluded
        ("2026-03-12 23:00", [], None),
        ("2026-03-10 23:10", [dt.date(2026, 3, 10)], None),
    ],
)
def test_occurrence_in_progress(at: str, cancelled: list[dt.date], expected: str | None) -> None:
    found = occurrence_in_progress(
        weekday=TUE,
        start=hm("19:00"),
        duration_minutes=90,
        time_zone="America/New_York",
        at=utc(at),
        early_minutes=15,
        cancelled=cancelled,
    )
    assert found == (utc(expected) if expected else None)


def test_occurrence_in_progress_across_midnight_utc_in_kolkata() -> None:
    # Monday 23:00-00:30 local in Kolkata is Monday 17:30Z-19:00Z.
    found = occurrence_in_progress(
        weekday=MON,
        start=hm("23:00"),
        duration_minutes=90,
        time_zone="Asia/Kolkata",
        at=utc("2026-03-02 18:45"),
    )
    assert found == utc("2026-03-02 17:30")


@pytest.mark.parametrize(
    ("when", "time_zone", "language", "expected"),
    [
        ("2026-03-10 23:00", "America/New_York", "en", "Tue 7:00pm"),
        ("2026-03-10 23:00", "America/New_York", "es", "mar 19:00"),
        ("2026-03-04 00:00", "America/New_York", "en", "Tue 7:00pm"),
        ("2026-03-02 01:30", "Asia/Kolkata", "en", "Mon 7:00am"),
        ("2026-03-02 01:35", "Asia/Kolkata", "es", "lun 7:05"),
        ("2026-03-11 04:00", "America/New_York", "en", "Wed 12:00am"),
        ("2026-03-11 16:30", "America/New_York", "en", "Wed 12:30pm"),
        ("2026-03-11 16:30", "America/New_York", "es", "mie 12:30"),
        ("2026-03-14 17:00", "Europe/London", "es", "sab 17:00"),
        ("2026-03-15 17:00", "Europe/London", "es", "dom 17:00"),
        ("2026-03-29 20:00", "Pacific/Auckland", "es", "lun 9:00"),
        ("2026-03-29 20:00", "Pacific/Auckland", "fr", "Mon 9:00am"),  # unknown: English
    ],
)
def test_local_label(when: str, time_zone: str, language: str, expected: str) -> None:
    assert local_label(utc(when), time_zone, language) == expected


@pytest.mark.parametrize(
    ("when", "zone", "language", "words"),
    [
        (utc("2026-11-25T03:00"), "America/Los_Angeles", "en", "Tuesday at 7 PM"),
        (utc("2026-11-25T02:30"), "America/Los_Angeles", "en", "Tuesday at 6:30 PM"),
        (utc("2026-11-24T17:00"), "America/New_York", "en", "Tuesday at 12 PM"),
        (utc("2026-11-25T05:00"), "America/New_York", "en", "Wednesday at 12 AM"),
        (utc("2026-11-26T03:00"), "America/Los_Angeles", "es", "miércoles a las 19:00"),
    ],
)  # fmt: skip
def test_spoken_label_names_the_whole_day(
    when: dt.datetime, zone: str, language: str, words: str
) -> None:
    assert spoken_label(when, zone, language) == words
