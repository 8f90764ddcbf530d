"""Weekly meeting times: wall-clock in the group's time zone, DST-correct, as UTC instants.

A meeting is "every <weekday> at <start> local time". Each occurrence is built from the local
date and wall-clock time, then converted to UTC, so a 19:00 meeting stays at 19:00 local across
a DST change (its UTC instant moves by an hour).

Local times a DST change makes odd are resolved the way RFC 5545 (iCalendar) resolves them,
which is also what zoneinfo does with `fold=0`:

- a start in the spring-forward gap (02:30 on a day that jumps 02:00 -> 03:00) does not exist
  and is shifted forward by the length of the gap (to 03:30 new time);
- a start in the fall-back overlap (01:30 on a day that repeats 01:00-02:00) happens twice and
  is the first of the two (01:30 daylight time).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Protocol
from zoneinfo import ZoneInfo

_DAY_ABBREVIATIONS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    # Without accents, so a label stays in one GSM-7 SMS segment ("mié" would force UCS-2).
    "es": ("lun", "mar", "mie", "jue", "vie", "sab", "dom"),
}


class WeeklyMeeting(Protocol):
    """What a meeting's weekly times are read from (a Meeting row has these)."""

    @property
    def weekday(self) -> int: ...
    @property
    def more_weekdays(self) -> list[int]: ...
    @property
    def start_time(self) -> dt.time: ...


def weekly_times(meeting: WeeklyMeeting) -> list[tuple[int, dt.time]]:
    """Return (Python weekday, local start) for every day a meeting meets, Monday first.

    One meeting, one code: a meeting on several days is one row whose `weekday` is its first
    day and `more_weekdays` the others, all at `start_time`. Read the days only through here.
    """
    days = sorted({meeting.weekday, *(meeting.more_weekdays or ())})
    return [(day, meeting.start_time) for day in days]


def next_starts(
    *,
    times: Sequence[tuple[int, dt.time]],
    time_zone: str,
    after: dt.datetime,
    cancelled: Collection[dt.date] = (),
    count: int = 1,
) -> list[dt.datetime]:
    """Return the next `count` starts (UTC) of a meeting on several weekly times, soonest first."""
    series = [
        next_occurrences(
            weekday=weekday,
            start=start,
            time_zone=time_zone,
            after=after,
            cancelled=cancelled,
            count=count,
        )
        for weekday, start in times
    ]
    return list(heapq.merge(*series))[:count]


def open_occurrence(
    *,
    times: Sequence[tuple[int, dt.time]],
    duration_minutes: int,
    time_zone: str,
    at: dt.datetime,
    early_minutes: int = 0,
    cancelled: Collection[dt.date] = (),
) -> dt.datetime | None:
    """Return the start (UTC) of the occurrence of any weekly time open at `at`, or None."""
    _check_aware(at)
    (candidate,) = next_starts(
        times=times,
        time_zone=time_zone,
        after=at - dt.timedelta(minutes=duration_minutes),
        cancelled=cancelled,
    )
    if candidate - dt.timedelta(minutes=early_minutes) <= at:
        return candidate
    return None


def next_occurrences(
    *,
    weekday: int,
    start: dt.time,
    time_zone: str,
    after: dt.datetime,
    cancelled: Collection[dt.date] = (),
    count: int = 1,
) -> list[dt.datetime]:
    """Return the next `count` starts (aware, UTC) strictly after `after`, skipping cancelled dates.

    `weekday` is Python's (Monday is 0); `cancelled` holds local dates.
    """
    _check_weekday(weekday)
    _check_aware(after)
    if count <= 0:
        return []
    found: list[dt.datetime] = []
    for local_date in _weekly_dates(weekday, after.astimezone(ZoneInfo(time_zone)).date()):
        if local_date in cancelled:
            continue
        when = _utc_start(local_date, start, time_zone)
        if when > after:
            found.append(when)
            if len(found) == count:
                return found
    raise AssertionError("unreachable: the weekly series is endless")


def occurrence_in_progress(
    *,
    weekday: int,
    start: dt.time,
    duration_minutes: int,
    time_zone: str,
    at: dt.datetime,
    early_minutes: int = 0,
    cancelled: Collection[dt.date] = (),
) -> dt.datetime | None:
    """Return the start (UTC) of the occurrence open at `at`, or None when none is.

    An occurrence is open from `early_minutes` before its start until its end, end excluded.
    """
    _check_weekday(weekday)
    return open_occurrence(
        times=[(weekday, start)],
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        at=at,
        early_minutes=early_minutes,
        cancelled=cancelled,
    )


def local_label(when: dt.datetime, time_zone: str, language: str) -> str:
    """Return a short label in the zone: "Tue 7:00pm", or "mar 19:00" for Spanish."""
    _check_aware(when)
    local = when.astimezone(ZoneInfo(time_zone))
    if language == "es":
        return f"{_DAY_ABBREVIATIONS['es'][local.weekday()]} {local.hour}:{local.minute:02d}"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{_DAY_ABBREVIATIONS['en'][local.weekday()]} {hour}:{local.minute:02d}{suffix}"


_DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}


def meeting_days(
    days: Collection[int], start: dt.datetime, zone: str, reader_zone: str
) -> list[int]:
    """The weekdays of a meeting on several days as its reader counts them (Monday is 0).

    `days` are the meeting's weekdays in its own zone, all at one wall-clock time, and `start`
    one of its starts: a 10pm meeting in Los Angeles is on the next day for a reader in New
    York, so every day moves by the shift that start shows.
    """
    shift = (
        start.astimezone(ZoneInfo(reader_zone)).weekday()
        - start.astimezone(ZoneInfo(zone)).weekday()
    )
    return sorted({(day + shift) % 7 for day in days})


def day_names(days: Sequence[int], language: str) -> str:
    """ "Mon, Wed, Fri": weekdays (Monday is 0) as the texts abbreviate them, GSM-7 safe."""
    names = _DAY_ABBREVIATIONS.get(language, _DAY_ABBREVIATIONS["en"])
    return ", ".join(names[day] for day in days)


def spoken_label(when: dt.datetime, time_zone: str, language: str) -> str:
    """Return words for a voice prompt: "Tuesday at 7 PM", "martes a las 19:00".

    Abbreviations suit a text but a speech engine may read "Tue" or "mar" as a word ("mar"
    is the sea), so spoken times name the whole day.
    """
    _check_aware(when)
    local = when.astimezone(ZoneInfo(time_zone))
    if language == "es":
        return f"{_DAY_NAMES['es'][local.weekday()]} a las {local.hour}:{local.minute:02d}"
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local.minute:02d}" if local.minute else str(hour)
    return f"{_DAY_NAMES['en'][local.weekday()]} at {clock} {'AM' if local.hour < 12 else 'PM'}"


def texted_when(
    start: dt.datetime,
    zone: str,
    language: str,
    *,
    by_phone: bool,
    viewer_zone: str | None,
    label_for: Callable[[dt.datetime, str, str], str] = local_label,
) -> str:
    """Day and time in the meeting's zone, naming the zone when the reader may be elsewhere.

    A meeting by phone is joined from wherever the reader is, so it is told in the reader's
    own zone when known (and that zone named, when it is not the meeting's). `label_for`
    words the time ("Tue 7:00pm", or with the date for a cancellation).
    """
    reader = told_in(zone, by_phone=by_phone, viewer_zone=viewer_zone)
    label = label_for(start, reader, language)
    if viewer_zone is not None and same_offset(start, zone, viewer_zone):
        return label
    return f"{label} {start.astimezone(ZoneInfo(reader)):%Z}"


def told_in(zone: str, *, by_phone: bool, viewer_zone: str | None) -> str:
    """The zone a meeting's times are told in: the reader's for a meeting by phone (joined from
    wherever they are) when known, else the meeting's own."""
    return viewer_zone if viewer_zone is not None and by_phone else zone


def same_offset(when: dt.datetime, zone: str, viewer_zone: str) -> bool:
    return (
        when.astimezone(ZoneInfo(viewer_zone)).utcoffset()
        == when.astimezone(ZoneInfo(zone)).utcoffset()
    )


def _weekly_dates(weekday: int, near: dt.date) -> Iterator[dt.date]:
    # Start a day early so a DST change at midnight cannot hide an occurrence; the caller's
    # `when > after` test drops any that are already past.
    first = near - dt.timedelta(days=1)
    first += dt.timedelta(days=(weekday - first.weekday()) % 7)
    while True:
        yield first
        first += dt.timedelta(days=7)


def _utc_start(local_date: dt.date, start: dt.time, time_zone: str) -> dt.datetime:
    # fold=0 gives the RFC 5545 resolution described in the module docstring.
    local = dt.datetime.combine(local_date, start.replace(tzinfo=None, fold=0))
    return local.replace(tzinfo=ZoneInfo(time_zone)).astimezone(dt.UTC)


def _check_weekday(weekday: int) -> None:
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")


def _check_aware(when: dt.datetime) -> None:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
