"""Measure FIND (nearest meetings) in-process at 5k, 50k and 200k meetings, against baselines.

Run from the repository root: `.venv/bin/python bench/search.py` (`--sizes 5000,50000` for
fewer). Each size gets a fresh SQLite file: meetings around real US ZIP centroids, a tenth of
them phone meetings, a fifth on several days. Every approach answers the same searches (a
page of 4, as the SMS FIND asks for, within 50 miles) at the same instant, in the same run:

- finder: hotline.finder.find_nearest_meetings in a read-only session (ring-widened bounding
  box read from the in-memory grid of places, in-memory phone index, one indexed query to
  check both are current, next starts only for the page);
- full scan: the finder before issue 11 (every phone meeting plus the nearby ones loaded as
  ORM objects with their groups, each one's next start worked out, then sorted);
- indexed box: a plain indexed bounding-box query of every nearby meeting (Core rows, next
  start for each), without the phone meetings at all: the floor a simple query gives.

It prints p50 and p99 in milliseconds (this thread's CPU time, and wall time, which on a
shared machine also holds other processes' turns) and the ratios; nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zipcodes
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session, selectinload

from hotline import db, finder
from hotline.flows.schedule import next_starts, weekly_times
from hotline.models import Group, Meeting

RADIUS = 50.0
PAGE = 4
SEARCHES = 300
BASELINE_SEARCHES = {5_000: 300, 50_000: 60, 200_000: 15}
NOW = dt.datetime(2026, 3, 4, 18, 0, tzinfo=dt.UTC)  # a Wednesday, DST change ahead
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
PHONE = ("phone_bridge", "external_bridge")


def centroids() -> list[tuple[float, float, str]]:
    """Return (latitude, longitude, zone) of every US ZIP with a place and a zone."""
    return [
        (float(z["lat"]), float(z["long"]), str(z["timezone"]))
        for z in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if z.get("lat") and z.get("long") and z.get("timezone")
    ]


def populate(engine: Engine, size: int, places: list[tuple[float, float, str]]) -> None:
    """Insert `size` meetings (in 1,000 groups) with Core, as an import of a big feed would."""
    rng = random.Random(size)
    with engine.begin() as conn:
        conn.execute(
            insert(Group),
            [{"slug": f"g{i}", "name": f"Group {i}", "description": ""} for i in range(1000)],
        )
        group_ids = list(conn.scalars(select(Group.id)))
        rows: list[dict[str, Any]] = []
        for index in range(size):
            phone = rng.random() < 0.10
            lat, lon, zone = rng.choice(places)
            days = rng.sample(range(7), rng.choice([1, 1, 1, 1, 2, 3, 7]))
            rows.append(
                {
                    "group_id": rng.choice(group_ids),
                    "slug": f"m{index}",
                    "code": str(100000 + index),
                    "name": f"{rng.choice(['Anxiety', 'Grief', 'Family', 'Bipolar'])} {index}",
                    "weekday": days[0],
                    "more_weekdays": days[1:],
                    "start_time": dt.time(rng.randrange(7, 22), rng.choice([0, 30])),
                    "duration_minutes": 60,
                    "time_zone": rng.choice(ZONES) if phone else zone,
                    "format": rng.choice(PHONE) if phone else "in_person",
                    "in_person": not phone,
                    "latitude": None if phone else lat + rng.uniform(-0.05, 0.05),
                    "longitude": None if phone else lon + rng.uniform(-0.05, 0.05),
                    "types": [],
                    "notes": "",
                }
            )
            if len(rows) == 5000:
                conn.execute(insert(Meeting), rows)
                rows = []
        if rows:
            conn.execute(insert(Meeting), rows)


def with_finder(session: Session, origin: tuple[float, float]) -> list[int]:
    found = finder.find_nearest_meetings(
        session=session,
        origin=origin,
        topic=None,
        limit=PAGE,
        offset=0,
        radius_miles=RADIUS,
        now=NOW,
    )
    return [item.meeting.id for item in found]


def full_scan(session: Session, origin: tuple[float, float]) -> list[int]:
    """The finder as it was: every phone meeting and the nearby ones as ORM objects."""
    local = _box(origin).where(Meeting.format.not_in(PHONE))
    phone = select(Meeting).where(Meeting.active.is_(True), Meeting.format.in_(PHONE))
    found = []
    for statement, near in ((local, True), (phone, False)):
        for meeting in session.scalars(statement.options(selectinload(Meeting.group))):
            distance = _distance(origin, meeting) if near else None
            if distance is not None and distance > RADIUS:
                continue
            (start,) = next_starts(
                times=weekly_times(meeting), time_zone=meeting.time_zone, after=NOW
            )
            key = (1, 0.0) if distance is None else (0, round(distance, 3))
            found.append((*key, start, meeting.code, meeting.id))
    found.sort()
    return [item[-1] for item in found[:PAGE]]


def indexed_box(session: Session, origin: tuple[float, float]) -> list[int]:
    """A plain indexed bounding-box query: Core rows, every nearby meeting's next start."""
    columns = (Meeting.id, Meeting.code, Meeting.latitude, Meeting.longitude)
    schedule = (Meeting.weekday, Meeting.more_weekdays, Meeting.start_time, Meeting.time_zone)
    statement = _box(origin).with_only_columns(*columns, *schedule)
    found = []
    for mid, code, lat, lon, weekday, more, start, zone in session.execute(statement):
        distance = finder.great_circle_miles(origin, (lat, lon))
        if distance <= RADIUS:
            days = sorted({weekday, *more})
            (when,) = next_starts(times=[(d, start) for d in days], time_zone=zone, after=NOW)
            found.append((round(distance, 3), when, code, mid))
    found.sort()
    return [item[-1] for item in found[:PAGE]]


def _box(origin: tuple[float, float]) -> Any:
    lat, lon = origin
    dlat = RADIUS / 69.0
    dlon = RADIUS / max(1.0, 69.0 * math.cos(math.radians(lat)))
    return select(Meeting).where(
        Meeting.active.is_(True),
        Meeting.in_person.is_(True),
        Meeting.latitude.between(lat - dlat, lat + dlat),
        Meeting.longitude.between(lon - dlon, lon + dlon),
    )


def _distance(origin: tuple[float, float], meeting: Meeting) -> float:
    assert meeting.latitude is not None and meeting.longitude is not None
    return finder.great_circle_miles(origin, (meeting.latitude, meeting.longitude))


def timings(
    engine: Engine, search: Callable[[Session, tuple[float, float]], list[int]], origins: list[Any]
) -> dict[str, tuple[float, float]]:
    """Return p50 and p99 in milliseconds, of wall time and of this thread's CPU time.

    CPU time is what the search itself costs; wall time adds whatever else the machine runs.
    """
    gc.collect()
    wall, cpu = [], []
    for origin in origins:
        started, started_cpu = time.perf_counter(), time.thread_time()
        with db.read_scope(engine) as session:
            search(session, origin)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return {"wall": _percentiles(wall), "cpu": _percentiles(cpu)}


def _percentiles(spent: list[float]) -> tuple[float, float]:
    spent = sorted(spent)
    p99 = spent[min(len(spent) - 1, math.ceil(len(spent) * 0.99) - 1)]
    return statistics.median(spent), p99


def measure(size: int, places: list[tuple[float, float, str]], folder: Path) -> None:
    engine = db.make_engine(f"sqlite:///{folder / f'search-{size}.db'}")
    db.upgrade(engine)
    started = time.perf_counter()
    populate(engine, size, places)
    loaded = time.perf_counter() - started
    rng = random.Random(7)
    origins = [rng.choice(places)[:2] for _ in range(SEARCHES)]
    # The first search builds the phone index: timed on its own, as a process start pays it.
    started = time.perf_counter()
    with db.read_scope(engine) as session:
        finder.find_nearest_meetings(
            session=session, origin=None, topic=None, limit=PAGE, offset=0, radius_miles=0, now=NOW
        )
    build_ms = (time.perf_counter() - started) * 1000
    with db.read_scope(engine) as session:
        first = with_finder(session, origins[0])
    few = origins[: BASELINE_SEARCHES.get(size, 15)]
    with db.read_scope(engine) as session:  # every approach gives the same page
        assert first == full_scan(session, origins[0]), "finder and full scan disagree"
    results = {
        "finder": timings(engine, with_finder, origins),
        "full scan": timings(engine, full_scan, few),
        "indexed box": timings(engine, indexed_box, few),
    }
    print(f"\n{size:,} meetings (loaded in {loaded:.1f} s; phone index built in {build_ms:.0f} ms)")
    for name, figures in results.items():
        searches = len(origins) if name == "finder" else len(few)
        (wall50, wall99), (cpu50, cpu99) = figures["wall"], figures["cpu"]
        print(
            f"  {name:<12} CPU p50 {cpu50:8.2f} ms  p99 {cpu99:8.2f} ms"
            f"   wall p50 {wall50:8.2f} ms  p99 {wall99:8.2f} ms   ({searches} searches)"
        )
    ours = results["finder"]["cpu"]
    for name in ("full scan", "indexed box"):
        p50, p99 = results[name]["cpu"]
        print(
            f"  finder vs {name} (CPU): p50 {p50 / ours[0]:.1f}x faster, p99 {p99 / ours[1]:.1f}x"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000,200000")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    places = centroids()
    print(f"FIND in-process on SQLite: {SEARCHES} searches, page {PAGE}, radius {RADIUS:g} mi")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            measure(size, places, Path(folder))


if __name__ == "__main__":
    main()
