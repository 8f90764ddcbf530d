"""Meetings FIND lists, from memory: phone meetings by their next start, in-person ones by place.

Phone meetings serve everyone, so every FIND lists the soonest of them. Rather than load them
all and compute each one's next start per request, the process keeps their starts over the
next eight days in one sorted list and walks it from now. In-person meetings are kept in a
grid of small latitude/longitude cells, so a search by place reads the cells its box covers
(no query; the cost grows with the meetings near the place, not with all of them). Both are
rebuilt when a meeting changes (a flush in this process, or a newer id or updated_at in the
database, which one indexed query reads per search) and once a day as time moves on; a
meeting deleted by another process (which moves neither) is noticed when the finder cannot
load it, and the finder then calls forget() and searches again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import math
import threading
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from hotline.flows.schedule import next_occurrences, next_starts
from hotline.meeting_types import Topic
from hotline.models import Group, Meeting, MeetingFormat

PHONE_FORMATS = (MeetingFormat.PHONE_BRIDGE.value, MeetingFormat.EXTERNAL_BRIDGE.value)
_BEHIND = dt.timedelta(days=1)  # so a meeting under way is still in the list
_AHEAD = dt.timedelta(days=8)  # every weekly time at least once (a cancelled one: see soonest)
_REBUILD_AFTER = dt.timedelta(days=1)
_CELL_DEGREES = 0.05  # about 3.5 miles of latitude: the finder's first ring spans a few cells


@dataclass(frozen=True)
class Candidate:
    """What the finder needs of a meeting to order it, without loading the ORM object."""

    id: int
    code: str
    times: tuple[tuple[int, dt.time], ...]
    time_zone: str
    duration_minutes: int
    text: str  # name, group, notes and types, lowercased, for topic words
    types: frozenset[str]  # the spec's type codes ("W", "S"), for topic type words


@dataclass(frozen=True)
class Index:
    key: tuple[Any, ...]
    anchor: dt.datetime
    starts: list[dt.datetime]
    # (start UTC, code, id, local date): sorted, so equal starts come in code order
    entries: list[tuple[dt.datetime, str, int, dt.date]]
    candidates: dict[int, Candidate]
    longest_minutes: int
    # Active in-person meetings with a place, in a grid of cells: per row of cells (a band of
    # latitude), the columns that hold any, sorted, and their (latitude, longitude, id, code).
    bands: dict[int, tuple[list[int], list[list[tuple[float, float, int, str]]]]]

    def in_box(
        self, south: float, north: float, west: float, east: float
    ) -> Iterator[tuple[float, float, int, str]]:
        """Yield the in-person meetings with south <= latitude <= north and west <= longitude
        <= east (both ends included, as SQL's BETWEEN), reading only cells that hold any."""
        first, last = _cell(west), _cell(east)
        for row in range(_cell(south), _cell(north) + 1):
            band = self.bands.get(row)
            if band is None:
                continue
            columns, cells = band
            for at in range(bisect.bisect_left(columns, first), len(columns)):
                if columns[at] > last:
                    break
                for place in cells[at]:
                    if south <= place[0] <= north and west <= place[1] <= east:
                        yield place


def _cell(degrees: float) -> int:
    return math.floor(degrees / _CELL_DEGREES)


_lock = threading.Lock()
_index: Index | None = None
_generation = itertools.count(1)
_current_generation = 0


def forget() -> None:
    """Drop the index (tests that clear tables behind the ORM's back call this)."""
    global _index
    with _lock:
        _index = None


def current(session: Session, now: dt.datetime) -> Index:
    """Return the index, rebuilt first when a meeting changed or a day went by."""
    return _current(session, now)


def soonest(
    *,
    session: Session,
    now: dt.datetime,
    count: int,
    skip: Collection[int],
    topic: Topic,
    cancelled: Mapping[int, Collection[dt.date]],
    include_running: bool,
    index: Index | None = None,
) -> list[tuple[Candidate, dt.datetime]]:
    """Return up to `count` phone meetings by next start (then code), with that start
    (from `index` when the caller already holds a current one)."""
    index = _current(session, now) if index is None else index
    found: list[tuple[Candidate, dt.datetime]] = []
    seen: set[int] = set(skip)
    earliest = now - dt.timedelta(minutes=index.longest_minutes) if include_running else now
    entries = index.entries
    # Walk by position: a slice would copy the rest of the list on every search.
    for position in range(bisect.bisect_right(index.starts, earliest), len(entries)):
        if len(found) == count:
            return found
        start, _code, meeting_id, local_date = entries[position]
        if meeting_id in seen:
            continue
        candidate = index.candidates[meeting_id]
        after = now - dt.timedelta(minutes=candidate.duration_minutes) if include_running else now
        if start <= after or local_date in cancelled.get(meeting_id, ()):
            continue
        seen.add(meeting_id)
        if topic.matches(candidate.types, candidate.text):
            found.append((candidate, start))
    # Past the window (a meeting whose one date in it is cancelled): the exact way, for the rest.
    rest = [
        (candidate, next_start_of(candidate, now, cancelled, include_running))
        for candidate in index.candidates.values()
        if candidate.id not in seen and topic.matches(candidate.types, candidate.text)
    ]
    rest.sort(key=lambda pair: (pair[1], pair[0].code))
    return (found + rest)[:count]


def next_start_of(
    candidate: Candidate,
    now: dt.datetime,
    cancelled: Mapping[int, Collection[dt.date]],
    include_running: bool,
) -> dt.datetime:
    """Return a candidate's next start; with include_running, a start still under way counts."""
    after = now - dt.timedelta(minutes=candidate.duration_minutes) if include_running else now
    (start,) = next_starts(
        times=candidate.times,
        time_zone=candidate.time_zone,
        after=after,
        cancelled=cancelled.get(candidate.id, ()),
    )
    return start


def _current(session: Session, now: dt.datetime) -> Index:
    global _index
    key = _key(session)
    index = _index
    if (
        index is not None
        and index.key == key
        and index.anchor <= now < index.anchor + _REBUILD_AFTER
    ):
        return index
    with _lock:
        index = _index
        if (
            index is None
            or index.key != key
            or not index.anchor <= now < index.anchor + _REBUILD_AFTER
        ):
            index = _build(session, key, now.replace(minute=0, second=0, microsecond=0))
            _index = index
    return index


# Both maxima are read from indexes (the primary key and ix_meetings_updated_at).
# One subquery each: SQLite answers a lone max() from an index, two in one SELECT by a scan.
# Built once: building it cost about what running it does.
_NEWEST = select(
    select(func.max(Meeting.id)).scalar_subquery(),
    select(func.max(Meeting.updated_at)).scalar_subquery(),
)


def _key(session: Session) -> tuple[Any, ...]:
    newest = session.connection().execute(_NEWEST).one()
    return (id(session.get_bind()), _current_generation, *newest)


def _build(session: Session, key: tuple[Any, ...], anchor: dt.datetime) -> Index:
    candidates = {candidate.id: candidate for candidate in _phone_candidates(session)}
    # Meetings share weekly times ("Mondays 19:00 Eastern"): work each one out once.
    starts = functools.cache(
        functools.partial(_weekly_starts, start=anchor - _BEHIND, end=anchor + _AHEAD)
    )
    entries = sorted(
        (when, candidate.code, candidate.id, local_date)
        for candidate in candidates.values()
        for weekday, local_start in candidate.times
        for when, local_date in starts(weekday, local_start, candidate.time_zone)
    )
    return Index(
        key=key,
        anchor=anchor,
        starts=[entry[0] for entry in entries],
        entries=entries,
        candidates=candidates,
        longest_minutes=max((c.duration_minutes for c in candidates.values()), default=0),
        bands=_bands(session),
    )


def _bands(
    session: Session,
) -> dict[int, tuple[list[int], list[list[tuple[float, float, int, str]]]]]:
    """The finder's places: every row its bounding-box query would read, by grid cell."""
    statement = select(Meeting.latitude, Meeting.longitude, Meeting.id, Meeting.code).where(
        Meeting.active.is_(True),
        Meeting.in_person.is_(True),
        Meeting.latitude.is_not(None),
        Meeting.longitude.is_not(None),
    )
    cells: dict[int, dict[int, list[tuple[float, float, int, str]]]] = defaultdict(dict)
    rows: Any = session.connection().execute(statement)  # latitude, longitude: not None here
    for place in rows:
        latitude, longitude, meeting_id, code = place
        band = cells[_cell(latitude)]
        band.setdefault(_cell(longitude), []).append((latitude, longitude, meeting_id, code))
    return {
        row: (sorted(band), [band[column] for column in sorted(band)])
        for row, band in cells.items()
    }


def _weekly_starts(
    weekday: int, local_start: dt.time, time_zone: str, *, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.date]]:
    """Return (UTC start, local date) of one weekly time between start and end."""
    zone = ZoneInfo(time_zone)
    weeks = (end - start).days // 7 + 2
    return [
        (when, when.astimezone(zone).date())
        for when in next_occurrences(
            weekday=weekday, start=local_start, time_zone=time_zone, after=start, count=weeks
        )
        if when < end
    ]


def _phone_candidates(session: Session) -> Iterator[Candidate]:
    statement = (
        select(*candidate_columns())
        .join(Group, Group.id == Meeting.group_id)
        .where(Meeting.active.is_(True), Meeting.format.in_(PHONE_FORMATS))
    )
    for row in session.execute(statement):
        yield candidate_from(row)


def candidate_from(row: Any) -> Candidate:
    """Build a Candidate from a row of the columns _phone_candidates selects, in that order."""
    (mid, code, weekday, more, start, zone, duration, name, notes, types, group, about) = row
    days = sorted({weekday, *(more or ())})
    return Candidate(
        id=mid,
        code=code,
        times=tuple((day, start) for day in days),
        time_zone=zone,
        duration_minutes=duration,
        text=meeting_text(name, group, about, notes, types),
        types=frozenset(types or ()),
    )


def meeting_text(name: str, group: str, about: str, notes: str, types: list[str] | None) -> str:
    """The text topic words are looked for in, lowercased."""
    return " ".join([name, group, about, notes, *(types or ())]).lower()


def candidate_columns() -> tuple[Any, ...]:
    """The columns candidate_from reads, for other queries (the finder's local search)."""
    return (
        Meeting.id,
        Meeting.code,
        Meeting.weekday,
        Meeting.more_weekdays,
        Meeting.start_time,
        Meeting.time_zone,
        Meeting.duration_minutes,
        Meeting.name,
        Meeting.notes,
        Meeting.types,
        Group.name,
        Group.description,
    )


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    # Pending state is still visible after a flush: any meeting written means rebuild.
    global _current_generation
    if any(isinstance(obj, Meeting) for obj in (*session.new, *session.dirty, *session.deleted)):
        _current_generation = next(_generation)
