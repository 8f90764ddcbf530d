"""Who is on shift at an instant, for a rota: weekly shifts in a time zone, plus overrides.

A rota is any weekly schedule of people ("oncall" for crisis responders; a warm line's
volunteer schedule can be another). A shift is "every <weekday> from <start> for <minutes>,
local time in <zone>", built on the meeting schedule's DST rules. An override (ONCALL ON/OFF)
holds until the person's own schedule next changes: the end of the shift they are on, or the
start of their next one. A person with no shifts at all is on or off by their override alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hotline.flows.schedule import next_occurrences, occurrence_in_progress

DAY_WORDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Shift:
    member: int
    weekday: int  # Python's: Monday is 0
    start: dt.time
    minutes: int
    time_zone: str
    rota: str = "oncall"


@dataclass(frozen=True)
class Override:
    """A person's own ON/OFF, in force until `until` (None: until changed again)."""

    member: int
    on: bool
    until: dt.datetime | None = None


def shift_start(shift: Shift, at: dt.datetime) -> dt.datetime | None:
    """Return the start (UTC) of this shift's occurrence running at `at`, or None."""
    return occurrence_in_progress(
        weekday=shift.weekday,
        start=shift.start,
        duration_minutes=shift.minutes,
        time_zone=shift.time_zone,
        at=at,
    )


def on_shift(shifts: Iterable[Shift], at: dt.datetime, rota: str = "oncall") -> set[int]:
    """Return the members whose shift in `rota` is running at `at` (end excluded)."""
    return {s.member for s in shifts if s.rota == rota and shift_start(s, at) is not None}


def who_is_on(
    *,
    members: Iterable[int],
    shifts: Sequence[Shift],
    overrides: Iterable[Override],
    at: dt.datetime,
    rota: str = "oncall",
) -> set[int]:
    """Return the members on at `at`: an override in force wins, else their shifts decide."""
    mine = [s for s in shifts if s.rota == rota]
    scheduled = {s.member for s in mine}
    ruling = {o.member: o for o in overrides if o.until is None or at < o.until}
    on = set()
    for member in members:
        override = ruling.get(member)
        if override is not None and (override.until is not None or member not in scheduled):
            if override.on:
                on.add(member)
        elif member in on_shift(mine, at, rota):
            on.add(member)
    return on


def next_change(shifts: Iterable[Shift], member: int, at: dt.datetime) -> dt.datetime | None:
    """Return when the member's own schedule next changes (a shift ends or starts); None: never."""
    changes: list[dt.datetime] = []
    for shift in (s for s in shifts if s.member == member):
        started = shift_start(shift, at)
        if started is not None:
            changes.append(started + dt.timedelta(minutes=shift.minutes))
        changes.append(_next_start(shift, at))
    return min(changes, default=None)


def next_on_shift(
    shifts: Iterable[Shift], at: dt.datetime, rota: str = "oncall"
) -> dt.datetime | None:
    """Return the next instant after `at` when a shift of the rota starts; None when none ever."""
    starts = [_next_start(s, at) for s in shifts if s.rota == rota]
    return min(starts, default=None)


def parse_shift(text: str) -> tuple[int, dt.time, int]:
    """Read "mon 18:00-23:00" (an end at or before the start runs past midnight)."""
    day, _, span = text.strip().lower().partition(" ")
    begin, _, end = span.strip().partition("-")
    if day[:3] not in DAY_WORDS or not end:
        raise ValueError(f"a shift reads like 'mon 18:00-23:00', not {text!r}")
    start, stop = dt.time.fromisoformat(begin.strip()), dt.time.fromisoformat(end.strip())
    minutes = (stop.hour * 60 + stop.minute) - (start.hour * 60 + start.minute)
    return DAY_WORDS.index(day[:3]), start, minutes if minutes > 0 else minutes + 24 * 60


def describe_shift(shift: Shift) -> str:
    """Return "mon 18:00-23:00 America/Los_Angeles"."""
    begin = dt.datetime.combine(dt.date(2000, 1, 3), shift.start)
    end = (begin + dt.timedelta(minutes=shift.minutes)).time()
    return f"{DAY_WORDS[shift.weekday]} {shift.start:%H:%M}-{end:%H:%M} {shift.time_zone}"


def next_occurrences_of(shift: Shift, after: dt.datetime, count: int) -> list[dt.datetime]:
    """Return the next `count` starts (UTC) of a weekly shift strictly after `after`."""
    return next_occurrences(
        weekday=shift.weekday,
        start=shift.start,
        time_zone=shift.time_zone,
        after=after,
        count=count,
    )


def _next_start(shift: Shift, at: dt.datetime) -> dt.datetime:
    (start,) = next_occurrences(
        weekday=shift.weekday, start=shift.start, time_zone=shift.time_zone, after=at
    )
    return start
