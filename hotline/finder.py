"""Find meetings: ones a person can go to near a place, then phone meetings, soonest first.

Answered from indexes, not a scan: in-person meetings through a bounding box, widened ring by
ring only until a page is full, read from the in-memory grid in hotline.phone_index (or, for a
topic, which needs the meetings' text, from indexed columns); phone meetings from that
module's in-memory list. Next starts are worked out only for the meetings on the page, and
only those few are loaded as ORM objects, with their cancelled dates, in one query.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, joinedload

from hotline import phone_index
from hotline.flows.schedule import next_starts, open_occurrence, weekly_times
from hotline.meeting_types import Topic, topic_of
from hotline.models import Group, Meeting, MeetingCancellation
from hotline.phone_index import PHONE_FORMATS
from hotline.places import (  # the finder's callers place what a member typed through here
    Place,
    names_a_city,
    place_for_city,
    place_for_postal_code,
    place_for_zip,
    places_for_city_name,
)

EARTH_RADIUS_MILES = 3958.8
_FIRST_RING_MILES = 3.0
_RING_GROWTH = 3.0
__all__ = [
    "PHONE_FORMATS",
    "NearbyMeeting",
    "Place",
    "find_nearest_meetings",
    "names_a_city",
    "next_start",
    "occurrence_open",
    "place_for_city",
    "place_for_postal_code",
    "place_for_zip",
    "places_for_city_name",
]


@dataclass(frozen=True)
class NearbyMeeting:
    meeting: Meeting
    distance_miles: float | None  # None for a phone meeting: it serves everyone
    next_start: dt.datetime


def great_circle_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the haversine distance between two (latitude, longitude) points, in miles."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + (
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def find_nearest_meetings(
    *,
    session: Session,
    origin: tuple[float, float] | None,
    topic: str | None,
    limit: int,
    offset: int,
    radius_miles: float,
    now: dt.datetime,
    include_running: bool = False,
) -> list[NearbyMeeting]:
    """Return meetings a person can go to near origin (nearest first), then phone meetings
    (soonest first); each meeting once, however many days it meets.

    Without an origin only phone meetings are returned. A topic's type words ("women",
    "espanol": see config/meeting_types.toml) keep meetings of those spec types; its other
    words keep meetings whose name, group name, group description, types or notes hold them.
    With include_running, a meeting under way counts from the start of the occurrence still
    running (a caller can join it).
    Next starts are worked out only for the meetings on the page.
    """
    want = offset + limit
    wanted = topic_of(topic)
    found = _search(session, origin, wanted, want, radius_miles, now, include_running, True)
    if found is None:
        # A meeting in the in-memory index is gone from the database (deleted by another
        # process, which moves neither max(id) nor max(updated_at)): rebuild and search again.
        phone_index.forget()
        found = _search(session, origin, wanted, want, radius_miles, now, include_running, False)
    assert found is not None  # not strict: what could be loaded
    return found[offset:want]


def _search(
    session: Session,
    origin: tuple[float, float] | None,
    topic: Topic,
    want: int,
    radius_miles: float,
    now: dt.datetime,
    include_running: bool,
    strict: bool,
) -> list[NearbyMeeting] | None:
    """The first `want` meetings found; strict, None when one the index named was not loaded."""
    # One indexed query tells whether the index is current; with a topic, the in-person
    # meetings come from a query that reads their text, and the index only when the page
    # reaches the phone meetings.
    index = phone_index.current(session, now) if not topic or origin is None else None
    local: list[tuple[int, str, float]] = []
    if origin is not None:
        local = _local(session, index, origin, radius_miles, want, topic)
    if len(local) >= want:  # the page is all in-person meetings: load them and their dates
        cut = _cut(local, want)
        meetings, cancelled = _meetings_and_cancellations(session, [item[0] for item in cut], now)
        if strict and index is not None and len(meetings) < len(cut):
            return None
        return _local_page(cut, meetings, want, cancelled, now, include_running)
    # The page reaches the phone meetings: `local` holds every local one.
    index = phone_index.current(session, now) if index is None else index
    cancelled = _cancellations(session, None, now)
    phone = phone_index.soonest(
        session=session,
        now=now,
        count=want - len(local),
        skip={meeting_id for meeting_id, _, _ in local},
        topic=topic,
        cancelled=cancelled,
        include_running=include_running,
        index=index,
    )
    ids = [item[0] for item in local] + [candidate.id for candidate, _ in phone]
    meetings = _meetings(session, ids)
    if strict and len(meetings) < len(ids):
        return None
    page = _local_page(local, meetings, want, cancelled, now, include_running)
    return page + [
        NearbyMeeting(meetings[candidate.id], None, start)
        for candidate, start in phone
        if candidate.id in meetings
    ]


def next_start(*, session: Session, meeting: Meeting, now: dt.datetime) -> dt.datetime:
    """Return a meeting's next start (UTC) after now, skipping cancelled dates."""
    cancelled = _cancellations(session, [meeting.id], now)
    (start,) = next_starts(
        times=weekly_times(meeting),
        time_zone=meeting.time_zone,
        after=now,
        cancelled=cancelled.get(meeting.id, ()),
    )
    return start


def occurrence_open(
    *, session: Session, meeting: Meeting, now: dt.datetime, early_minutes: int
) -> dt.datetime | None:
    """Return the start of the occurrence open now (it opens early_minutes before), or None."""
    cancelled = _cancellations(session, [meeting.id], now)
    return open_occurrence(
        times=weekly_times(meeting),
        duration_minutes=meeting.duration_minutes,
        time_zone=meeting.time_zone,
        at=now,
        early_minutes=early_minutes,
        cancelled=cancelled.get(meeting.id, ()),
    )


def _local(
    session: Session,
    index: phone_index.Index | None,
    origin: tuple[float, float],
    radius_miles: float,
    want: int,
    topic: Topic,
) -> list[tuple[int, str, float]]:
    """Return (id, code, miles) of in-person meetings in the radius, nearest first: at least
    `want` of them, or all.

    The search starts with a small box and widens it, so a dense city reads a few rows, not
    every meeting within 50 miles. Matches inside a ring's radius are a true prefix of the
    full nearest-first list, so a ring that already holds `want` of them is enough. The boxes
    are read from the in-memory index when there is no topic, else by a query.
    """
    ring = min(_FIRST_RING_MILES, radius_miles)
    while True:
        box = _box(origin, ring)
        if index is None:
            rows = _in_box(session, origin, box, topic)
        else:
            rows = (
                (meeting_id, code, great_circle_miles(origin, (latitude, longitude)))
                for latitude, longitude, meeting_id, code in index.in_box(**box)
            )
        found = [item for item in rows if item[2] <= ring]
        if len(found) >= want or ring >= radius_miles:
            found.sort(key=lambda item: (item[2], item[1]))
            return found
        ring = min(ring * _RING_GROWTH, radius_miles)


def _box(origin: tuple[float, float], radius_miles: float) -> dict[str, float]:
    latitude, longitude = origin
    dlat = radius_miles / 69.0
    dlon = radius_miles / max(1.0, 69.0 * math.cos(math.radians(latitude)))
    return {
        "south": latitude - dlat,
        "north": latitude + dlat,
        "west": longitude - dlon,
        "east": longitude + dlon,
    }


@functools.cache
def _box_statement(with_text: bool) -> Any:
    # Built once with bound parameters: only the numbers change from one search to the next.
    columns = [Meeting.id, Meeting.code, Meeting.latitude, Meeting.longitude]
    statement: Any = select(*columns)
    if with_text:
        text = (Meeting.name, Meeting.notes, Meeting.types, Group.name, Group.description)
        statement = select(*columns, *text).join(Group, Group.id == Meeting.group_id)
    # A bounding box lets the index on (active, in_person, latitude, longitude) do the work.
    return statement.where(
        Meeting.active.is_(True),
        Meeting.in_person.is_(True),
        Meeting.latitude.between(bindparam("south"), bindparam("north")),
        Meeting.longitude.between(bindparam("west"), bindparam("east")),
    )


def _in_box(
    session: Session, origin: tuple[float, float], box: dict[str, float], topic: Topic
) -> Iterator[tuple[int, str, float]]:
    # Core, not the ORM's execute: plain rows, without the ORM's per-statement setup.
    for row in session.connection().execute(_box_statement(bool(topic)), box):
        if topic:
            name, notes, types, group, about = row[4:]
            text = phone_index.meeting_text(name, group, about, notes, types)
            if not topic.matches(frozenset(types or ()), text):
                continue
        yield row[0], row[1], great_circle_miles(origin, (row[2], row[3]))


def _cut(local: list[tuple[int, str, float]], want: int) -> list[tuple[int, str, float]]:
    """The first `want` local meetings, and any tied with the last (the page orders them)."""
    cut = min(want, len(local))
    last = round(local[cut - 1][2], 3)
    while cut < len(local) and round(local[cut][2], 3) == last:
        cut += 1
    return local[:cut]


def _local_page(
    local: list[tuple[int, str, float]],
    meetings: dict[int, Meeting],
    want: int,
    cancelled: Mapping[int, Collection[dt.date]],
    now: dt.datetime,
    include_running: bool,
) -> list[NearbyMeeting]:
    """Order the first `want` local meetings (and any tied with the last) by distance, start."""
    if not local:
        return []
    timed = []
    for meeting_id, code, distance in _cut(local, want):
        meeting = meetings.get(meeting_id)
        if meeting is None:
            continue
        after = now - dt.timedelta(minutes=meeting.duration_minutes) if include_running else now
        (start,) = next_starts(
            times=weekly_times(meeting),
            time_zone=meeting.time_zone,
            after=after,
            cancelled=cancelled.get(meeting_id, ()),
        )
        timed.append((round(distance, 3), start, code, NearbyMeeting(meeting, distance, start)))
    timed.sort(key=lambda item: item[:3])
    return [found for *_, found in timed[:want]]


# The finder's statements are built once with bound parameters (building one costs about
# what running it does); only the values change from one search to the next.
_MEETINGS = (
    select(Meeting)
    .where(Meeting.id.in_(bindparam("ids", expanding=True)))
    .options(joinedload(Meeting.group))
)
# The page's meetings with their upcoming cancelled dates, one row per date (or one with None).
_MEETINGS_AND_CANCELLATIONS = (
    select(Meeting, MeetingCancellation.occurs_on)
    .outerjoin(
        MeetingCancellation,
        and_(
            MeetingCancellation.meeting_id == Meeting.id,
            MeetingCancellation.occurs_on >= bindparam("since"),
        ),
    )
    .where(Meeting.id.in_(bindparam("ids", expanding=True)))
    .options(joinedload(Meeting.group))
)
_UPCOMING_CANCELLATIONS = select(
    MeetingCancellation.meeting_id, MeetingCancellation.occurs_on
).where(MeetingCancellation.occurs_on >= bindparam("since"))
_CANCELLATIONS_OF = _UPCOMING_CANCELLATIONS.where(
    MeetingCancellation.meeting_id.in_(bindparam("ids", expanding=True))
)


def _meetings(session: Session, ids: list[int]) -> dict[int, Meeting]:
    """Load the few meetings shown, with their groups, in one query."""
    if not ids:
        return {}
    found = session.scalars(_MEETINGS, {"ids": ids}).unique()
    return {meeting.id: meeting for meeting in found}


def _meetings_and_cancellations(
    session: Session, ids: list[int], now: dt.datetime
) -> tuple[dict[int, Meeting], dict[int, set[dt.date]]]:
    """Load the few meetings shown, with their groups and upcoming cancelled dates, in one
    query (a page of in-person meetings needs no other)."""
    values = {"ids": ids, "since": (now - dt.timedelta(days=1)).date()}
    meetings: dict[int, Meeting] = {}
    cancelled: dict[int, set[dt.date]] = defaultdict(set)
    for meeting, occurs_on in session.execute(_MEETINGS_AND_CANCELLATIONS, values):
        meetings[meeting.id] = meeting
        if occurs_on is not None:
            cancelled[meeting.id].add(occurs_on)
    return meetings, cancelled


def _cancellations(
    session: Session, meeting_ids: list[int] | None, now: dt.datetime
) -> dict[int, set[dt.date]]:
    """Upcoming cancelled dates per meeting: of the given meetings, or of all (a short list)."""
    values: dict[str, Any] = {"since": (now - dt.timedelta(days=1)).date()}
    statement = _UPCOMING_CANCELLATIONS
    if meeting_ids is not None:
        if not meeting_ids:
            return {}
        statement, values["ids"] = _CANCELLATIONS_OF, meeting_ids
    cancelled: dict[int, set[dt.date]] = defaultdict(set)
    for meeting_id, occurs_on in session.connection().execute(statement, values):
        cancelled[meeting_id].add(occurs_on)
    return cancelled
