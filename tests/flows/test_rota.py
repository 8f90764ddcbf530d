"""The rota: who is on shift at an instant, across midnight and DST, with overrides."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hotline.flows.rota import (
    Override,
    Shift,
    describe_shift,
    next_change,
    next_on_shift,
    on_shift,
    parse_shift,
    who_is_on,
)

LA = "America/Los_Angeles"
# Monday 18:00-23:00 and Friday 22:00-06:00 (past midnight), Los Angeles time.
ANA = Shift(1, 0, dt.time(18, 0), 300, LA)
BEN = Shift(2, 4, dt.time(22, 0), 480, LA)
VOLUNTEER = Shift(3, 0, dt.time(18, 0), 300, LA, rota="warmline")


def _la(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(LA))


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2025, 3, 3, 17, 59), set()),  # Monday, a minute early
        ((2025, 3, 3, 18, 0), {1}),  # start included
        ((2025, 3, 3, 22, 59), {1}),
        ((2025, 3, 3, 23, 0), set()),  # end excluded
        ((2025, 3, 7, 23, 30), {2}),  # Friday night
        ((2025, 3, 8, 5, 59), {2}),  # Saturday morning, the same shift
        ((2025, 3, 8, 6, 0), set()),
        # DST starts Sunday 9 March 2025; Monday 10 March 18:00 is still 18:00 local.
        ((2025, 3, 10, 18, 0), {1}),
        ((2025, 3, 10, 17, 30), set()),
    ],
)
def test_who_is_on_shift_at_an_instant(
    local: tuple[int, int, int, int, int], expected: set[int]
) -> None:
    assert on_shift([ANA, BEN, VOLUNTEER], _la(*local)) == expected


def test_each_rota_is_its_own() -> None:
    assert on_shift([ANA, VOLUNTEER], _la(2025, 3, 3, 19, 0), rota="warmline") == {3}


def test_an_override_holds_until_the_schedule_next_changes() -> None:
    during = _la(2025, 3, 3, 19, 0)
    off_until = next_change([ANA], 1, during)
    assert off_until == _la(2025, 3, 3, 23, 0).astimezone(dt.UTC)  # the shift's end
    override = Override(1, on=False, until=off_until)
    assert who_is_on(members=[1], shifts=[ANA], overrides=[override], at=during) == set()
    # Next Monday the schedule rules again.
    next_week = _la(2025, 3, 10, 19, 0)
    assert who_is_on(members=[1], shifts=[ANA], overrides=[override], at=next_week) == {1}
    # ON outside a shift lasts until the next shift starts.
    before = _la(2025, 3, 3, 12, 0)
    assert next_change([ANA], 1, before) == _la(2025, 3, 3, 18, 0).astimezone(dt.UTC)


def test_without_shifts_the_override_alone_decides() -> None:
    at = _la(2025, 3, 3, 3, 0)
    overrides = [Override(7, on=True), Override(8, on=False)]
    assert who_is_on(members=[7, 8], shifts=[], overrides=overrides, at=at) == {7}
    assert next_change([], 7, at) is None


def test_next_on_shift_is_the_earliest_start() -> None:
    saturday = _la(2025, 3, 8, 12, 0)
    assert next_on_shift([ANA, BEN], saturday) == _la(2025, 3, 10, 18, 0).astimezone(dt.UTC)
    assert next_on_shift([], saturday) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon 18:00-23:00", (0, dt.time(18, 0), 300)),
        ("Friday 22:00-06:00", (4, dt.time(22, 0), 480)),
        ("sun 00:00-00:00", (6, dt.time(0, 0), 1440)),
    ],
)
def test_shifts_are_read_as_people_write_them(text: str, expected: tuple[object, ...]) -> None:
    assert parse_shift(text) == expected
    weekday, start, minutes = parse_shift(text)
    assert describe_shift(Shift(1, weekday, start, minutes, LA)).startswith(text[:3].lower())


@pytest.mark.parametrize("text", ["someday 18:00-19:00", "mon 18:00", "mon 25:00-26:00"])
def test_bad_shifts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_shift(text)
