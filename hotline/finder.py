"""Find meetings near a place: ZIP and city centroids offline, great-circle distance, paging."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import zipcodes
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from hotline.flows.schedule import next_occurrences, occurrence_in_progress
from hotline.models import Meeting, MeetingCancellation, MeetingFormat

EARTH_RADIUS_MILES = 3958.8
PHONE_FORMATS = (MeetingFormat.PHONE_BRIDGE.value, MeetingFormat.EXTERNAL_BRIDGE.value)
LOCAL_FORMATS = (MeetingFormat.IN_PERSON.value, MeetingFormat.ONLINE.value)


@dataclass(frozen=True)
class Place:
    label: str  # what the member typed, tidied: "94110", "Oakland, CA"
    latitude: float
    longitude: float
    time_zone: str | None


@dataclass(frozen=True)
class NearbyMeeting:
    meeting: Meeting
    distance_miles: float | None  # None for a phone meeting: it serves everyone
    next_start: dt.datetime


def place_for_zip(zip_code: str) -> Place | None:
    """Return the centroid of a US ZIP code, or None for one that does not exist."""
    try:
        found = zipcodes.matching(zip_code)  # type: ignore[no-untyped-call]
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    entry = found[0]
    return Place(zip_code, float(entry["lat"]), float(entry["long"]), entry.get("timezone"))


def place_for_city(words: tuple[str, ...], state: str | None) -> tuple[Place | None, str]:
    """Find the longest trailing run of words naming a city; return it and the words before.

    "anxiety san francisco" + CA -> (San Francisco, "anxiety"). Without a state, a city name
    found in exactly one state is used.
    """
    for start in range(len(words)):
        city = " ".join(words[start:]).upper()
        states = _cities().get(city, {})
        chosen = state if state is not None else (next(iter(states)) if len(states) == 1 else None)
        if chosen in states:
            latitude, longitude, zone = states[chosen]
            label = f"{city.title()}, {chosen}"
            return Place(label, latitude, longitude, zone), " ".join(words[:start])
    return None, " ".join(words)


def places_for_city_name(words: tuple[str, ...]) -> list[Place]:
    """Return the city the words name in each state that has one ("Oakland": sixteen)."""
    city = " ".join(words).upper()
    return [
        Place(f"{city.title()}, {state}", latitude, longitude, zone)
        for state, (latitude, longitude, zone) in sorted(_cities().get(city, {}).items())
    ]


def names_a_city(words: tuple[str, ...]) -> bool:
    """True when the trailing words name a city somewhere (a state is needed to pick one)."""
    return any(" ".join(words[start:]).upper() in _cities() for start in range(len(words)))


@functools.cache
def _cities() -> dict[str, dict[str, tuple[float, float, str | None]]]:
    """City name -> state -> (mean latitude, mean longitude, time zone) of its ZIP codes."""
    points: dict[tuple[str, str], list[tuple[float, float, str | None]]] = defaultdict(list)
    for entry in zipcodes.list_all():  # type: ignore[no-untyped-call]
        if entry.get("lat") and entry.get("long"):
            key = (entry["city"].upper(), entry["state"])
            points[key].append((float(entry["lat"]), float(entry["long"]), entry.get("timezone")))
    cities: dict[str, dict[str, tuple[float, float, str | None]]] = defaultdict(dict)
    for (city, state), found in points.items():
        latitude = sum(p[0] for p in found) / len(found)
        longitude = sum(p[1] for p in found) / len(found)
        cities[city][state] = (latitude, longitude, found[0][2])
    return dict(cities)


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
    """Return active meetings near origin (nearest first), then phone meetings (soonest first).

    Without an origin only phone meetings are returned. A topic keeps meetings whose name,
    group name, group description, types or notes mention it. With include_running, a meeting
    under way counts from the start of the occurrence still running (a caller can join it).
    """
    local = _local(session, origin, radius_miles) if origin is not None else []
    phone = _active(session).where(Meeting.format.in_(PHONE_FORMATS))
    candidates = [
        (meeting, distance)
        for meeting, distance in [*local, *((m, None) for m in session.scalars(phone))]
        if topic is None or _mentions(meeting, topic)
    ]
    cancelled = _cancellations(session, [meeting.id for meeting, _ in candidates], now)
    found: list[NearbyMeeting] = []
    for meeting, distance in candidates:
        # A running occurrence started after now - duration; the next one starts after now.
        after = now - dt.timedelta(minutes=meeting.duration_minutes) if include_running else now
        start = _next_start(meeting, cancelled.get(meeting.id, ()), after)
        found.append(NearbyMeeting(meeting, distance, start))
    found.sort(key=_order)
    return found[offset : offset + limit]


def next_start(*, session: Session, meeting: Meeting, now: dt.datetime) -> dt.datetime:
    """Return a meeting's next start (UTC) after now, skipping cancelled dates."""
    cancelled = _cancellations(session, [meeting.id], now)
    return _next_start(meeting, cancelled.get(meeting.id, ()), now)


def occurrence_open(
    *, session: Session, meeting: Meeting, now: dt.datetime, early_minutes: int
) -> dt.datetime | None:
    """Return the start of the occurrence open now (it opens early_minutes before), or None."""
    cancelled = _cancellations(session, [meeting.id], now)
    return occurrence_in_progress(
        weekday=meeting.weekday,
        start=meeting.start_time,
        duration_minutes=meeting.duration_minutes,
        time_zone=meeting.time_zone,
        at=now,
        early_minutes=early_minutes,
        cancelled=cancelled.get(meeting.id, ()),
    )


def _order(found: NearbyMeeting) -> tuple[int, float, dt.datetime, str]:
    if found.distance_miles is None:
        return (1, 0.0, found.next_start, found.meeting.code)
    return (0, round(found.distance_miles, 3), found.next_start, found.meeting.code)


def _active(session: Session) -> Select[Meeting]:
    return select(Meeting).where(Meeting.active.is_(True)).options(selectinload(Meeting.group))


def _local(
    session: Session, origin: tuple[float, float], radius_miles: float
) -> list[tuple[Meeting, float | None]]:
    latitude, longitude = origin
    # A bounding box lets the index on (latitude, longitude) discard most rows first.
    dlat = radius_miles / 69.0
    dlon = radius_miles / max(1.0, 69.0 * math.cos(math.radians(latitude)))
    statement = _active(session).where(
        Meeting.format.in_(LOCAL_FORMATS),
        Meeting.latitude.between(latitude - dlat, latitude + dlat),
        Meeting.longitude.between(longitude - dlon, longitude + dlon),
    )
    found: list[tuple[Meeting, float | None]] = []
    for meeting in session.scalars(statement):
        assert meeting.latitude is not None and meeting.longitude is not None
        distance = great_circle_miles(origin, (meeting.latitude, meeting.longitude))
        if distance <= radius_miles:
            found.append((meeting, distance))
    return found


def _mentions(meeting: Meeting, topic: str) -> bool:
    words = topic.lower().split()
    haystack = " ".join(
        [meeting.name, meeting.group.name, meeting.group.description, meeting.notes, *meeting.types]
    ).lower()
    return all(word in haystack for word in words)


def _cancellations(
    session: Session, meeting_ids: list[int], now: dt.datetime
) -> dict[int, set[dt.date]]:
    if not meeting_ids:
        return {}
    statement = select(MeetingCancellation).where(
        MeetingCancellation.meeting_id.in_(meeting_ids),
        MeetingCancellation.occurs_on >= (now - dt.timedelta(days=1)).date(),
    )
    cancelled: dict[int, set[dt.date]] = defaultdict(set)
    for row in session.scalars(statement):
        cancelled[row.meeting_id].add(row.occurs_on)
    return cancelled


def _next_start(meeting: Meeting, cancelled: Collection[dt.date], now: dt.datetime) -> dt.datetime:
    (start,) = next_occurrences(
        weekday=meeting.weekday,
        start=meeting.start_time,
        time_zone=meeting.time_zone,
        after=now,
        cancelled=cancelled,
    )
    return start
