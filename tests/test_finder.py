"""Finding meetings near a place, on the real database."""

from __future__ import annotations

import datetime as dt
import functools
import random
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, insert, select, update

from hotline import db, finder, phone_index
from hotline.db import session_scope
from hotline.meeting_types import Topic
from hotline.models import Group, Meeting, MeetingCancellation
from tests.web.test_sms import FEED, THURSDAY_BEFORE_DST, _add_meetings

SF = (37.7509, -122.4153)  # ZIP 94110


@pytest.fixture()
def meetings(database: Engine) -> None:
    import json

    _add_meetings(json.loads(FEED.read_text())["meetings"])


def codes(found: list[finder.NearbyMeeting]) -> list[str]:
    return [item.meeting.code for item in found]


def find(**values: object) -> list[finder.NearbyMeeting]:
    arguments: dict[str, object] = {
        "origin": SF,
        "topic": None,
        "limit": 20,
        "offset": 0,
        "radius_miles": 50.0,
        "now": THURSDAY_BEFORE_DST,
    }
    arguments.update(values)
    with session_scope() as session:
        found = finder.find_nearest_meetings(session=session, **arguments)  # type: ignore[arg-type]
        session.expunge_all()
        return found


def test_great_circle_distance() -> None:
    san_francisco, new_york = (37.7749, -122.4194), (40.7128, -74.0060)
    assert finder.great_circle_miles(san_francisco, new_york) == pytest.approx(2565, abs=5)
    assert finder.great_circle_miles(SF, SF) == 0


def test_places() -> None:
    place = finder.place_for_zip("94110")
    assert place is not None
    assert (place.label, place.time_zone) == ("94110", "America/Los_Angeles")
    assert finder.place_for_zip("00000") is None
    oakland, topic = finder.place_for_city(("anxiety", "oakland"), "CA")
    assert oakland is not None and oakland.label == "Oakland, CA"
    assert topic == "anxiety"
    assert finder.place_for_city(("oakland",), None) == (None, "oakland")  # many states
    assert finder.names_a_city(("oakland",))
    assert finder.place_for_city(("oakland",), "ZZ") == (None, "oakland")


def test_a_city_name_in_every_state_that_has_it() -> None:
    oaklands = finder.places_for_city_name(("oakland",))
    assert len(oaklands) == 16
    (california,) = [place for place in oaklands if place.label == "Oakland, CA"]
    assert finder.great_circle_miles(SF, (california.latitude, california.longitude)) < 15
    assert finder.places_for_city_name(("nowhere", "town")) == []


def test_a_spoken_city_may_be_canadian_or_name_its_state() -> None:
    # What a caller says at the voice menu's "say the name of your city".
    assert [p.label for p in finder.places_for_city_name(("belleville", "ontario"))] == [
        "Belleville, ON"
    ]
    assert [p.label for p in finder.places_for_city_name(("Belleville", "ON"))] == [
        "Belleville, ON"
    ]
    assert [p.label for p in finder.places_for_city_name(("oakland", "ca"))] == ["Oakland, CA"]


@pytest.mark.usefixtures("meetings")
def test_local_nearest_first_then_phone_soonest_first() -> None:
    found = find()
    assert codes(found) == ["4821", "1234", "5555", "3030", "3131", "6060"]
    distances = [item.distance_miles for item in found]
    assert distances[:3] == sorted(distances[:3])  # type: ignore[type-var]
    assert distances[3:] == [None, None, None]
    assert found[0].next_start == dt.datetime(2025, 3, 12, 2, 0, tzinfo=dt.UTC)  # Tue 7pm PDT


@pytest.mark.usefixtures("meetings")
def test_radius_inactive_and_paging() -> None:
    assert "7777" not in codes(find())  # Sacramento, ~75 miles
    assert "7777" in codes(find(radius_miles=100.0))
    assert "8080" not in codes(find())  # inactive
    assert codes(find(limit=2, offset=2)) == ["5555", "3030"]


@pytest.mark.usefixtures("meetings")
def test_without_an_origin_only_phone_meetings() -> None:
    assert codes(find(origin=None)) == ["3030", "3131", "6060"]


@pytest.mark.usefixtures("meetings")
def test_topic_matches_name_group_types_and_notes() -> None:
    assert codes(find(topic="anxiety")) == ["4821"]
    assert codes(find(topic="GRIEF")) == ["5555"]
    assert codes(find(topic="veterans")) == ["3131"]
    assert codes(find(topic="spanish-speaking")) == ["1234"]
    assert codes(find(topic="knitting")) == []


@pytest.mark.usefixtures("meetings")
def test_a_cancelled_date_is_skipped() -> None:
    first = find(topic="anxiety")[0]
    with session_scope() as session:
        session.add(
            MeetingCancellation(meeting_id=first.meeting.id, occurs_on=dt.date(2025, 3, 11))
        )
    again = find(topic="anxiety")[0]
    assert again.next_start == first.next_start + dt.timedelta(days=7)


@pytest.mark.usefixtures("meetings")
def test_a_running_meeting_counts_from_its_start_when_asked() -> None:
    sunday_evening = dt.datetime(2025, 3, 10, 0, 10, tzinfo=dt.UTC)  # 3030 began at 20:00 EDT
    assert codes(find(origin=None, now=sunday_evening)) == ["3131", "6060", "3030"]
    running = find(origin=None, now=sunday_evening, include_running=True)
    assert codes(running) == ["3030", "3131", "6060"]
    assert running[0].next_start == dt.datetime(2025, 3, 10, 0, 0, tzinfo=dt.UTC)


@pytest.mark.usefixtures("meetings")
def test_an_occurrence_is_open_early_and_not_when_cancelled() -> None:
    sunday_evening = dt.datetime(2025, 3, 10, 0, 10, tzinfo=dt.UTC)  # 3030 began at 20:00 EDT
    started = dt.datetime(2025, 3, 10, 0, 0, tzinfo=dt.UTC)
    with session_scope() as session:
        (meeting,) = [item.meeting for item in find(origin=None) if item.meeting.code == "3030"]
        meeting = session.merge(meeting)
        open_at = functools.partial(
            finder.occurrence_open, session=session, meeting=meeting, early_minutes=15
        )
        assert open_at(now=sunday_evening) == started
        assert open_at(now=started - dt.timedelta(minutes=10)) == started
        assert open_at(now=started - dt.timedelta(minutes=20)) is None
        session.add(MeetingCancellation(meeting_id=meeting.id, occurs_on=dt.date(2025, 3, 9)))
        session.flush()
        assert open_at(now=sunday_evening) is None


def test_a_read_scope_holds_no_write_lock(database: Engine) -> None:
    """FIND reads in a read_scope: on SQLite a writer gets through while it is open."""
    if database.dialect.name != "sqlite":
        pytest.skip("SQLite's locking only")
    with db.read_scope(database) as reader:
        reader.execute(select(Meeting.id)).all()
        with database.connect() as writer:
            writer.exec_driver_sql("PRAGMA busy_timeout=200")  # fail fast instead of waiting
            writer.commit()
            writer.execute(insert(Group).values(slug="g", name="G", description=""))
            writer.commit()
        with db.session_scope(database) as session:
            assert session.scalars(select(Group.slug)).all() == ["g"]


def _daily_phone_meeting(code: str = "7070") -> None:
    with session_scope() as session:
        group = Group(slug=f"daily-{code}", name="Daily Reflections")
        session.add(
            Meeting(
                group=group,
                slug=f"daily-{code}",
                code=code,
                name="Daily Reflections",
                weekday=0,
                more_weekdays=[1, 2, 3, 4, 5, 6],
                start_time=dt.time(7, 0),
                time_zone="America/New_York",
                format="phone_bridge",
                in_person=False,
            )
        )


@pytest.mark.usefixtures("meetings")
def test_a_meeting_on_every_day_is_listed_once_with_its_next_time() -> None:
    _daily_phone_meeting()

    found = find(origin=None)

    assert codes(found).count("7070") == 1
    (daily,) = [item for item in found if item.meeting.code == "7070"]
    # Thursday 12:00 PST is 15:00 in New York: the next 7:00 is Friday's.
    assert daily.next_start == dt.datetime(2025, 3, 7, 12, 0, tzinfo=dt.UTC)
    assert codes(found)[0] == "7070"  # the soonest phone meeting


@pytest.mark.usefixtures("meetings")
def test_the_phone_index_sees_changes_and_cancellations() -> None:
    assert "7070" not in codes(find(origin=None))
    _daily_phone_meeting()
    assert codes(find(origin=None))[0] == "7070"
    with session_scope() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.code == "7070")).one()
        session.add(MeetingCancellation(meeting_id=meeting.id, occurs_on=dt.date(2025, 3, 7)))
    (daily,) = [item for item in find(origin=None) if item.meeting.code == "7070"]
    assert daily.next_start == dt.datetime(2025, 3, 8, 12, 0, tzinfo=dt.UTC)  # Saturday's
    with session_scope() as session:
        session.scalars(select(Meeting).where(Meeting.code == "7070")).one().active = False
    assert "7070" not in codes(find(origin=None))


@pytest.mark.usefixtures("meetings")
def test_a_hybrid_meeting_nearby_is_listed_once_with_its_distance() -> None:
    with session_scope() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.code == "3030")).one()
        meeting.latitude, meeting.longitude, meeting.in_person = 37.76, -122.42, True

    found = find()

    assert codes(found).count("3030") == 1
    (hybrid,) = [item for item in found if item.meeting.code == "3030"]
    assert hybrid.distance_miles is not None and hybrid.distance_miles < 1


@pytest.mark.usefixtures("meetings")
def test_a_meeting_nobody_can_go_to_is_not_listed_by_place() -> None:
    with session_scope() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.code == "4821")).one()
        meeting.in_person = False  # temporarily closed, say, with no online option
    assert "4821" not in codes(find())


# The in-memory index of places (hotline.phone_index) ------------------------------------------


def _behind_the_processes_back(statement: Any) -> None:
    """Change meetings as another process would: no flush here, so no generation bump."""
    with db.get_engine().begin() as conn:
        conn.execute(statement)


def _later() -> dt.datetime:
    """An updated_at later than every meeting's (another process's clock moved on)."""
    with session_scope() as session:
        newest: dt.datetime | None = session.scalar(select(func.max(Meeting.updated_at)))
    assert newest is not None
    return newest + dt.timedelta(seconds=1)


@pytest.mark.usefixtures("meetings")
def test_the_place_index_sees_changes_made_in_this_process() -> None:
    assert codes(find())[0] == "4821"
    with session_scope() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.code == "7777")).one()
        meeting.latitude, meeting.longitude = SF  # Sacramento's meeting moves to the Mission
    assert codes(find())[0] == "7777"
    with session_scope() as session:
        session.scalars(select(Meeting).where(Meeting.code == "7777")).one().active = False
    assert "7777" not in codes(find())


@pytest.mark.usefixtures("meetings")
def test_the_place_index_sees_changes_made_by_another_process() -> None:
    assert codes(find())[0] == "4821"
    moved = update(Meeting).where(Meeting.code == "7777")
    _behind_the_processes_back(moved.values(latitude=SF[0], longitude=SF[1], updated_at=_later()))
    assert codes(find())[0] == "7777"
    _behind_the_processes_back(moved.values(active=False, updated_at=_later()))
    assert "7777" not in codes(find())


@pytest.mark.usefixtures("meetings")
def test_a_meeting_another_process_deleted_is_not_listed_and_its_place_is_filled() -> None:
    before = codes(find(limit=3))
    assert before[0] == "4821"
    # A delete moves neither max(id) nor max(updated_at): the finder notices the meeting it
    # cannot load, rebuilds the index and searches again, so the page stays full.
    with session_scope() as session:
        gone = session.scalars(select(Meeting.id).where(Meeting.code == "4821")).one()
    _behind_the_processes_back(delete(Meeting).where(Meeting.id == gone))
    after = codes(find(limit=3))
    assert after == [*before[1:], codes(find(limit=4))[2]] and "4821" not in after
    phone_index.forget()  # a fresh index gives the same page
    assert codes(find(limit=3)) == after


def test_the_place_index_finds_what_the_bounding_box_query_finds(database: Engine) -> None:
    rng = random.Random(11)
    with session_scope() as session:
        group = Group(slug="many", name="Many")
        session.add(group)
        session.flush()
        rows: list[dict[str, Any]] = [
            {
                "group_id": group.id,
                "slug": f"many-{i}",
                "code": str(20000 + i),
                "name": f"Meeting {i}",
                "weekday": i % 7,
                "start_time": dt.time(7 + i % 14, 0),
                "time_zone": "America/Los_Angeles",
                "format": "in_person",
                "latitude": SF[0] + rng.uniform(-1.0, 1.0),
                "longitude": SF[1] + rng.uniform(-1.0, 1.0),
                "active": i % 9 != 0,
                "in_person": i % 11 != 0,
            }
            for i in range(600)
        ]
        # Some on cell edges and on one spot, to test the box's ends and ties.
        for row in rows[:40]:
            row["latitude"] = round(row["latitude"], 1)
            row["longitude"] = round(row["longitude"], 2)
        for row in rows[40:50]:
            row["latitude"], row["longitude"] = SF
        session.execute(insert(Meeting), rows)
    now = THURSDAY_BEFORE_DST
    with session_scope() as session:
        index = phone_index.current(session, now)
        for _ in range(60):
            origin = (SF[0] + rng.uniform(-1.2, 1.2), SF[1] + rng.uniform(-1.2, 1.2))
            radius, want = rng.choice([2.0, 10.0, 50.0]), rng.choice([1, 4, 5, 40])
            by_query = finder._local(session, None, origin, radius, want, Topic())
            assert finder._local(session, index, origin, radius, want, Topic()) == by_query
