from __future__ import annotations

import datetime as dt
import http.server
import json
import logging
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from hotline.db import session_scope
from hotline.feeds import FeedError
from hotline.flows.schedule import weekly_times
from hotline.importer import ImportReport, _new_code, import_feed, load_feed
from hotline.meetings import get_meeting_by_code, get_meeting_by_direct_number
from hotline.models import Base, Group, Meeting

SAMPLE_FEED = Path(__file__).resolve().parent.parent / "config" / "sample_feed.json"
LINE = "+15550100000"
EXTERNAL = "+16465588656"
# Real ZIPs with their zipcodes time zones, for rows that carry no coordinates or zone.
ZIPS = [
    ("94110", "America/Los_Angeles"),
    ("94612", "America/Los_Angeles"),
    ("90026", "America/Los_Angeles"),
    ("60614", "America/Chicago"),
    ("10027", "America/New_York"),
    ("33130", "America/New_York"),
    ("80203", "America/Denver"),
]
BROKEN_INDEX = 613


def write_feed(tmp_path: Path, rows: list[dict[str, Any]], name: str = "feed.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(rows))
    return str(path)


def run_import(source: str, engine: Engine, **kwargs: Any) -> ImportReport:
    return import_feed(
        source, session_factory=lambda: session_scope(engine), hotline_numbers=[LINE], **kwargs
    )


def meetings_by_slug(engine: Engine) -> dict[str, Meeting]:
    with session_scope(engine) as session:
        return {meeting.slug: meeting for meeting in session.scalars(select(Meeting))}


def snapshot(engine: Engine) -> list[tuple[Any, ...]]:
    """Every column of every meeting and group, to show an import changed nothing."""
    with engine.connect() as conn:
        rows = [
            tuple(row)
            for table in (Meeting.__table__, Group.__table__)
            for row in conn.execute(select(table).order_by(table.c.id))
        ]
    return rows


def empty_database(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def row(slug: str, **fields: Any) -> dict[str, Any]:
    """A valid in-person row in Oakland; keyword arguments replace or add fields."""
    base: dict[str, Any] = {
        "slug": slug,
        "name": f"Meeting {slug}",
        "day": 2,
        "time": "19:00",
        "end_time": "20:30",
        "timezone": "America/Los_Angeles",
        "address": "685 14th St",
        "city": "Oakland",
        "state": "CA",
        "postal_code": "94612",
        "latitude": 37.8044,
        "longitude": -122.2712,
    }
    return {key: value for key, value in {**base, **fields}.items() if value is not None}


def generated_feed(
    seed: int = 20260310, size: int = 1000, broken: int | None = BROKEN_INDEX
) -> list[dict[str, Any]]:
    """A feed of `size` rows: a third without coordinates, some without a time zone, one broken."""
    rng = random.Random(seed)
    topics = ["Anxiety", "Depression", "Grief", "Bipolar", "Family", "Young Adults"]
    rows = []
    for index in range(size):
        zip_code, time_zone = rng.choice(ZIPS)
        fields: dict[str, Any] = {
            "name": f"{rng.choice(topics)} Support {index}",
            "day": rng.randrange(7),
            "time": f"{rng.randrange(7, 22):02d}:{rng.choice([0, 15, 30, 45]):02d}",
            "timezone": time_zone if rng.random() < 0.8 else None,
            "postal_code": zip_code,
            "group": f"Peer Group {index % 150}",
            "types": rng.sample(["ANX", "DEP", "GRF", "BIP", "FAM", "YA", "S"], k=2),
        }
        if rng.random() < 0.33:
            fields.update(latitude=None, longitude=None, address=None, city=None, state=None)
        else:
            fields.update(latitude=37.0 + rng.random(), longitude=-122.0 - rng.random())
        rows.append(row(f"gen-{index:04d}", **fields))
    if broken is not None:
        rows[broken]["time"] = "25:61"
    return rows


def test_sample_feed_loads_without_skips(database: Engine) -> None:
    report = run_import(str(SAMPLE_FEED), database)

    assert report.skipped == []
    # 42 rows, one meeting each; one of them meets on two days (one meeting, one code).
    assert (report.created, report.updated, report.unchanged) == (42, 0, 0)
    meetings = meetings_by_slug(database)
    codes = [meeting.code for meeting in meetings.values()]
    assert len(set(codes)) == 42
    assert all(len(code) == 4 and code[0] != "0" for code in codes)
    assert all(m.latitude is not None for m in meetings.values() if m.format == "in_person")
    formats = sorted(meeting.format for meeting in meetings.values())
    assert formats.count("phone_bridge") == 8
    assert formats.count("external_bridge") == 2
    assert formats.count("online") == 2


def test_sample_feed_places_rows_without_coordinates(database: Engine) -> None:
    run_import(str(SAMPLE_FEED), database)
    meetings = meetings_by_slug(database)

    hyde_park = meetings["hyde-park-grief-sun"]  # postal code only, no time zone
    assert hyde_park.time_zone == "America/Chicago"
    assert hyde_park.latitude == pytest.approx(41.80, abs=0.05)
    assert hyde_park.longitude == pytest.approx(-87.60, abs=0.05)
    highlands = meetings["highlands-family-wed"]  # formatted_address only
    assert (highlands.city, highlands.state, highlands.postal_code) == ("Denver", "CO", "80211")
    assert highlands.time_zone == "America/Denver"
    assert highlands.latitude == pytest.approx(39.77, abs=0.05)


def test_hosted_meeting_4821_is_on_the_line(database: Engine) -> None:
    run_import(str(SAMPLE_FEED), database)

    with session_scope(database) as session:
        meeting = get_meeting_by_code(session=session, code="4821")
        assert meeting is not None
        assert meeting.name == "Evening Anxiety Support (phone)"
        assert meeting.format == "phone_bridge"
        assert meeting.conference_phone is None
        assert (meeting.weekday, meeting.start_time) == (1, dt.time(19, 0))  # feed day 2: Tuesday
        assert meeting.group.name == "Evening Anxiety Support (phone)"
        assert get_meeting_by_code(session=session, code="0000") is None


def test_thousand_rows_load_and_name_the_broken_one(database: Engine, tmp_path: Path) -> None:
    source = write_feed(tmp_path, generated_feed())

    report = run_import(source, database)

    assert (report.created, report.updated, report.unchanged) == (999, 0, 0)
    assert report.skipped == [(f"gen-{BROKEN_INDEX:04d}", "bad time '25:61'")]
    meetings = meetings_by_slug(database)
    assert len(meetings) == 999
    assert all(meeting.latitude is not None for meeting in meetings.values())
    assert len({meeting.group_id for meeting in meetings.values()}) == 150


def test_second_import_changes_nothing(database: Engine, tmp_path: Path) -> None:
    source = write_feed(tmp_path, generated_feed())
    run_import(source, database)
    before = snapshot(database)

    report = run_import(source, database)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 999)
    assert len(report.skipped) == 1
    assert snapshot(database) == before  # updated_at included


def test_changed_row_updates_only_that_meeting(database: Engine, tmp_path: Path) -> None:
    rows = json.loads(SAMPLE_FEED.read_text())
    run_import(write_feed(tmp_path, rows), database)
    before = meetings_by_slug(database)
    changed = next(r for r in rows if r["slug"] == "chelsea-bipolar-tue")
    changed.update(time="18:00", notes="Moved to 6pm for the winter.")

    report = run_import(write_feed(tmp_path, rows), database)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 41)
    after = meetings_by_slug(database)
    assert after["chelsea-bipolar-tue"].start_time == dt.time(18, 0)
    assert after["chelsea-bipolar-tue"].notes == "Moved to 6pm for the winter."
    assert after["chelsea-bipolar-tue"].code == before["chelsea-bipolar-tue"].code
    assert after["chelsea-bipolar-tue"].updated_at > before["chelsea-bipolar-tue"].updated_at
    moved = [slug for slug in after if after[slug].updated_at != before[slug].updated_at]
    assert moved == ["chelsea-bipolar-tue"]


@pytest.mark.parametrize(
    ("conference_phone", "hotline_numbers", "expected"),
    [
        ("+1 555-010-0000,,4821#", [LINE], ("phone_bridge", "4821", None, None)),
        ("+15550100000,,4821", [LINE], ("phone_bridge", "4821", None, None)),
        ("tel:+15550100000,,,7001#", [LINE], ("phone_bridge", "7001", None, None)),
        # The line's number written differently by the caller of import_feed.
        ("+15550100000,,4821#", ["(555) 010-0000"], ("phone_bridge", "4821", None, None)),
        # Not the line's number: an external bridge, dialled with its digits.
        ("+1 646-558-8656,,8675309#", [LINE], ("external_bridge", None, EXTERNAL, ",,8675309#")),
        ("(646) 558-8656", [LINE], ("external_bridge", None, EXTERNAL, None)),
        ("+15550100000,,4821#", [], ("external_bridge", None, LINE, ",,4821#")),
    ],
)  # fmt: skip
def test_conference_phone_decides_the_format(
    database: Engine,
    tmp_path: Path,
    conference_phone: str,
    hotline_numbers: list[str],
    expected: tuple[str, str | None, str | None, str | None],
) -> None:
    feed = [row("bridge", conference_phone=conference_phone, latitude=None, postal_code=None)]

    report = import_feed(
        write_feed(tmp_path, feed),
        session_factory=lambda: session_scope(database),
        hotline_numbers=hotline_numbers,
    )

    assert report.skipped == []
    meeting = meetings_by_slug(database)["bridge"]
    fmt, code, phone, digits = expected
    assert (meeting.format, meeting.conference_phone, meeting.conference_digits) == (
        fmt,
        phone,
        digits,
    )
    if code is None:
        assert len(meeting.code) == 4
    else:
        assert meeting.code == code


def test_hosted_meeting_without_digits_gets_a_code(database: Engine, tmp_path: Path) -> None:
    feed = [row("hosted", conference_phone="+15550100000", latitude=None, postal_code=None)]
    run_import(write_feed(tmp_path, feed), database)

    meeting = meetings_by_slug(database)["hosted"]
    assert meeting.format == "phone_bridge"
    assert len(meeting.code) == 4 and meeting.code[0] != "0"


def test_online_and_in_person_formats(database: Engine, tmp_path: Path) -> None:
    feed = [
        row("video", conference_url="https://meet.example.org/x", latitude=None, postal_code=None),
        row("room"),
    ]
    run_import(write_feed(tmp_path, feed), database)

    meetings = meetings_by_slug(database)
    assert meetings["video"].format == "online"
    assert meetings["video"].conference_url == "https://meet.example.org/x"
    assert meetings["room"].format == "in_person"


def test_codes_are_stable_across_reimport_into_an_empty_database(
    database: Engine, tmp_path: Path
) -> None:
    rows = generated_feed()
    run_import(write_feed(tmp_path, rows), database)
    first = {slug: meeting.code for slug, meeting in meetings_by_slug(database).items()}
    empty_database(database)
    random.Random(7).shuffle(rows)

    run_import(write_feed(tmp_path, rows), database)

    second = {slug: meeting.code for slug, meeting in meetings_by_slug(database).items()}
    assert second == first
    assert len(set(first.values())) == 999
    assert all(len(code) == 4 and code[0] != "0" for code in first.values())


def test_new_codes_avoid_codes_the_feed_names(database: Engine, tmp_path: Path) -> None:
    feed = generated_feed(size=300, broken=None)
    run_import(write_feed(tmp_path, feed), database)
    taken = sorted(meeting.code for meeting in meetings_by_slug(database).values())
    empty_database(database)
    # The feed now hosts a meeting on every code the others got last time.
    hosted = [
        row(f"hosted-{code}", conference_phone=f"{LINE},,{code}#", latitude=None, postal_code=None)
        for code in taken
    ]

    report = run_import(write_feed(tmp_path, feed + hosted), database)

    assert (report.created, report.skipped) == (600, [])
    meetings = meetings_by_slug(database)
    assert all(meetings[f"hosted-{code}"].code == code for code in taken)
    assert len({meeting.code for meeting in meetings.values()}) == 600


def test_codes_go_to_six_digits_when_four_run_out() -> None:
    holders = {str(code): "someone-else" for code in range(1000, 10000)}

    code = _new_code("one-too-many", holders)

    # Never five digits: a bare 5-digit text is a ZIP to the FIND flow.
    assert len(code) == 6 and code[0] != "0"
    assert holders[code] == "one-too-many"


def test_a_code_held_by_another_meeting_is_refused(database: Engine, tmp_path: Path) -> None:
    run_import(write_feed(tmp_path, [row("first")]), database)
    held = meetings_by_slug(database)["first"].code
    feed = [
        row("first"),
        row("claims-held", conference_phone=f"{LINE},,{held}#"),
        row("claims-4821", conference_phone=f"{LINE},,4821#"),
        row("claims-4821-too", conference_phone=f"{LINE},,4821#"),
    ]

    report = run_import(write_feed(tmp_path, feed), database)

    assert report.skipped == [
        ("claims-held", f"code {held} is held by another meeting"),
        ("claims-4821-too", "code 4821 is held by another meeting"),
    ]
    assert meetings_by_slug(database)["claims-4821"].code == "4821"


def test_a_list_of_days_makes_one_meeting_with_one_code(database: Engine, tmp_path: Path) -> None:
    feed = [row("weekdays", day=[5, 1, 3], group="Weekday Circle")]

    report = run_import(write_feed(tmp_path, feed), database)

    assert report.created == 1
    meeting = meetings_by_slug(database)["weekdays"]
    # Feed days Monday, Wednesday, Friday are Python weekdays 0, 2, 4.
    assert weekly_times(meeting) == [(0, dt.time(19)), (2, dt.time(19)), (4, dt.time(19))]
    assert (meeting.weekday, meeting.more_weekdays) == (0, [2, 4])


def test_per_day_meetings_of_an_old_import_become_one(database: Engine, tmp_path: Path) -> None:
    """Before one-meeting-one-code, "weekdays" on days 1 and 3 was stored as two meetings."""
    run_import(
        write_feed(tmp_path, [row("weekdays-d1", day=1), row("weekdays-d3", day=3)]), database
    )
    old = meetings_by_slug(database)

    report = run_import(write_feed(tmp_path, [row("weekdays", day=[1, 3])]), database)

    meetings = meetings_by_slug(database)
    assert meetings["weekdays"].code == old["weekdays-d1"].code  # the first day keeps its code
    assert meetings["weekdays"].id == old["weekdays-d1"].id
    assert report.retired == [old["weekdays-d3"].id]
    assert not meetings["weekdays-d3"].active


def test_groups_come_from_the_group_or_the_name(database: Engine, tmp_path: Path) -> None:
    feed = [
        row("a", group="Grupo de Apoyo en Español", group_notes="Todos bienvenidos."),
        row("b", group="Grupo de Apoyo en Español"),
        row("c", name="Lakeside Anxiety Circle"),
    ]
    run_import(write_feed(tmp_path, feed), database)

    with session_scope(database) as session:
        groups = {group.slug: group for group in session.scalars(select(Group))}
    assert sorted(groups) == ["grupo-de-apoyo-en-espanol", "lakeside-anxiety-circle"]
    assert groups["grupo-de-apoyo-en-espanol"].name == "Grupo de Apoyo en Español"
    assert groups["grupo-de-apoyo-en-espanol"].description == "Todos bienvenidos."


def test_unusable_rows_are_named_and_the_rest_load(database: Engine, tmp_path: Path) -> None:
    nowhere = {"latitude": None, "longitude": None, "address": None, "postal_code": None}
    feed: list[Any] = [
        row("good"),
        row("", name="No slug"),
        row("no-name", name=" "),
        row("sunday-is-zero", day=7),
        row("named-day", day="Monday"),
        row("evening", time="7pm"),
        row("mars", timezone="Mars/Olympus"),
        row("no-zone", timezone=None, conference_phone=LINE, city=None, state=None, **nowhere),
        row("nowhere", city=None, state=None, **nowhere),
        row("bad-bridge", conference_phone="12"),
        row("bad-code", conference_phone=f"{LINE},,48#"),
        row("good", name="Twice"),
        "not an object",
        row("zip-only", timezone=None, latitude=None, longitude=None, postal_code="94110"),
        row("city-only", timezone=None, postal_code=None, latitude=None, city="oakland"),
    ]

    report = run_import(write_feed(tmp_path, feed), database)

    assert report.skipped == [
        ("#1", "missing slug"),
        ("no-name", "missing name"),
        ("sunday-is-zero", "bad day 7"),
        ("evening", "bad time '7pm'"),
        ("mars", "unknown time zone 'Mars/Olympus'"),
        (
            "no-zone",
            "no time zone: no timezone, no land at its coordinates, no known postal code or"
            " city, and no default (hotline import --timezone)",
        ),
        ("nowhere", "in-person meeting cannot be placed: no coordinates, ZIP or city and state"),
        ("bad-bridge", "conference_phone is not a phone number"),
        ("bad-code", "hosted meeting code must be ,,<3-12 digits>#"),
        ("good", "duplicate slug in the feed"),
        ("#12", "not a JSON object"),
    ]
    meetings = meetings_by_slug(database)
    assert sorted(meetings) == ["city-only", "good", "named-day", "zip-only"]
    assert meetings["named-day"].weekday == 0
    assert meetings["good"].name == "Meeting good"
    assert meetings["zip-only"].latitude == pytest.approx(37.75, abs=0.01)
    assert meetings["city-only"].latitude == pytest.approx(37.8, abs=0.1)
    assert meetings["city-only"].time_zone == "America/Los_Angeles"


def test_end_time_sets_the_duration(database: Engine, tmp_path: Path) -> None:
    feed = [
        row("evening", time="19:00", end_time="20:15"),
        row("late", time="23:30", end_time="00:30"),
        row("open-ended", end_time=None),
    ]
    run_import(write_feed(tmp_path, feed), database)

    meetings = meetings_by_slug(database)
    assert [meetings[s].duration_minutes for s in ("evening", "late", "open-ended")] == [75, 60, 60]


def test_logs_carry_counts_only(
    database: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="hotline.importer")
    run_import(str(SAMPLE_FEED), database)

    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "feed_loaded rows=42",
        "feed_imported created=42 updated=0 unchanged=0 skipped=0 inactive=0 retired=0",
    ]


def test_progress_bar_does_not_change_the_result(database: Engine) -> None:
    report = run_import(str(SAMPLE_FEED), database, progress=True)
    assert (report.created, report.skipped) == (42, [])


def test_code_lookup_finds_an_inactive_meeting_only_when_asked(database: Engine) -> None:
    run_import(str(SAMPLE_FEED), database)
    with session_scope(database) as session:
        meeting = get_meeting_by_code(session=session, code="4821")
        assert meeting is not None
        meeting.active = False

    with session_scope(database) as session:
        assert get_meeting_by_code(session=session, code="4821") is None
        found = get_meeting_by_code(session=session, code="4821", active_only=False)
        assert found is not None and not found.active


def test_direct_number_lookup(database: Engine) -> None:
    run_import(str(SAMPLE_FEED), database)
    with session_scope(database) as session:
        meeting = get_meeting_by_code(session=session, code="4821")
        assert meeting is not None
        meeting.direct_number = "+15550104821"

    with session_scope(database) as session:
        found = get_meeting_by_direct_number(session=session, e164="+15550104821")
        assert found is not None and found.code == "4821"
        assert get_meeting_by_direct_number(session=session, e164="+15550109999") is None


@pytest.fixture()
def feed_server(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "feed.json").write_text(SAMPLE_FEED.read_text())

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_load_feed_from_a_url(feed_server: str) -> None:
    assert load_feed(f"{feed_server}/feed.json") == json.loads(SAMPLE_FEED.read_text())
    with pytest.raises(FeedError, match="could not fetch the feed"):
        load_feed(f"{feed_server}/missing.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"meetings": []}', "a Meeting Guide feed is a JSON array of meetings"),
        ("[{", "the feed is not valid JSON"),
    ],
)
def test_load_feed_refuses_what_is_not_a_feed(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "feed.json"
    path.write_text(content)
    with pytest.raises(FeedError, match=message):
        load_feed(str(path))
    with pytest.raises(FeedError, match="could not read the feed"):
        load_feed(str(tmp_path / "missing.json"))


def test_a_detached_meeting_is_left_alone_by_later_reads(database: Engine, tmp_path: Path) -> None:
    rows = [row("kept"), row("mine")]
    run_import(write_feed(tmp_path, rows), database)
    with session_scope(database) as session:
        mine = session.scalars(select(Meeting).where(Meeting.slug == "mine")).one()
        mine.name, mine.detached_at = "Edited on the dashboard", dt.datetime.now(dt.UTC)
        code = mine.code

    rows[1]["name"] = "Renamed in the feed"
    report = run_import(write_feed(tmp_path, rows), database)
    assert report.detached == ["mine"] and (report.updated, report.unchanged) == (0, 1)
    assert meetings_by_slug(database)["mine"].name == "Edited on the dashboard"

    report = run_import(write_feed(tmp_path, [row("kept")]), database)  # the feed drops it
    after = meetings_by_slug(database)["mine"]
    assert report.retired == [] and after.retired_at is None and after.code == code
    assert after.name == "Edited on the dashboard"
