"""GET /meetings.json: the meetings published as Meeting Guide JSON, read back by the importer."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from hotline.db import session_scope
from hotline.meetings import get_meeting_by_code
from hotline.models import Meeting
from hotline.settings import Settings
from tests.test_importer import LINE, SAMPLE_FEED, empty_database, run_import, write_feed

# Columns that belong to this database, not to the meeting a feed describes.
# (feed_id too: which registered feed a meeting came from is this line's bookkeeping.)
_LOCAL = {
    "id",
    "group_id",
    "updated_at",
    "member_pin",
    "host_pin",
    "direct_number",
    "active",
    "feed_id",
}


@pytest.fixture()
def line_client(settings: Settings) -> Iterator[TestClient]:
    from hotline.web.app import create_app

    app = create_app(dataclasses.replace(settings, from_number=LINE))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def described(engine: Engine) -> dict[str, dict[str, Any]]:
    """Each meeting by slug, with what a feed can carry (and its group's name and notes)."""
    with session_scope(engine) as session:
        return {
            meeting.slug: {
                **{
                    column.name: getattr(meeting, column.name)
                    for column in Meeting.__table__.columns
                    if column.name not in _LOCAL
                },
                "group": (meeting.group.slug, meeting.group.name, meeting.group.description),
            }
            for meeting in session.scalars(select(Meeting))
        }


def test_published_feed_reimports_to_the_same_meetings(
    line_client: TestClient, database: Engine, tmp_path: Path
) -> None:
    # Read from where the published rows are written back, so they are the same feed.
    run_import(write_feed(tmp_path, json.loads(SAMPLE_FEED.read_text())), database)
    before = described(database)  # 42 meetings: one of them meets on two days (one code)

    response = line_client.get("/meetings.json")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    rows = response.json()
    assert len(rows) == len(before) == 42

    # Unchanged when read back into the same line...
    report = run_import(write_feed(tmp_path, rows), database)
    assert (report.created, report.updated, report.unchanged, report.skipped) == (0, 0, 42, [])
    # ...and the same meetings, codes included, when read into an empty one.
    empty_database(database)
    report = run_import(write_feed(tmp_path, rows), database)
    assert (report.created, report.skipped) == (42, [])
    assert described(database) == before


def test_hosted_meetings_carry_the_line_and_code_as_one_tap_digits(
    line_client: TestClient, database: Engine
) -> None:
    run_import(str(SAMPLE_FEED), database)
    with session_scope() as session:
        meeting = get_meeting_by_code(session=session, code="4821")
        assert meeting is not None and meeting.format == "phone_bridge"
        meeting.member_pin, meeting.host_pin = "7431", "9902"
        slug = meeting.slug

    body = line_client.get("/meetings.json").text
    row = next(row for row in json.loads(body) if row["slug"] == slug)

    assert row["conference_phone"] == f"{LINE},,4821#"
    assert "address" not in row and "latitude" not in row
    assert row["day"] in range(7) and len(row["time"]) == 5
    assert "7431" not in body and "9902" not in body


def test_inactive_meetings_are_not_published(line_client: TestClient, database: Engine) -> None:
    run_import(str(SAMPLE_FEED), database)
    with session_scope() as session:
        meeting = get_meeting_by_code(session=session, code="4821")
        assert meeting is not None
        meeting.active = False
        slug = meeting.slug

    slugs = {row["slug"] for row in line_client.get("/meetings.json").json()}
    assert len(slugs) == 41 and slug not in slugs


def test_without_a_line_number_hosted_meetings_are_left_out(
    client: TestClient, settings: Settings, database: Engine
) -> None:
    run_import(str(SAMPLE_FEED), database)
    client.app.state.settings = dataclasses.replace(settings, from_number=None)  # type: ignore[attr-defined]

    rows = client.get("/meetings.json").json()

    assert len(rows) == 42 - 8
    phones = [row["conference_phone"] for row in rows if "conference_phone" in row]
    assert len(phones) == 2 and not any(phone.startswith(("None", LINE)) for phone in phones)
