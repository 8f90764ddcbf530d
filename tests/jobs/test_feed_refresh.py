"""Registered feeds re-read by the scheduler from a local HTTP server: ETag, failures, retiring."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from hotline import cli
from hotline.db import session_scope
from hotline.flows.segments import count_segments
from hotline.jobs import feeds
from hotline.jobs.names import REFRESH_JOB
from hotline.models import Feed, Meeting, OutboxMessage, Subscription
from hotline.queues import get_queue
from hotline.settings import Settings
from tests.clock import travel
from tests.jobs.factories import make_contact

MONDAY = dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)


def meeting_row(slug: str, **fields: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": f"Circle {slug}",
        "day": ["Monday", "Thursday"],
        "time": "19:00:00",
        "address": "685 14th St",
        "city": "Oakland",
        "state": "CA",
        "postal_code": "94612",
        **fields,
    }


@dataclass
class FeedServer:
    """Serves one feed with an ETag, answers 304 to a matching If-None-Match, or fails."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    @property
    def etag(self) -> str:
        return f'"{abs(hash(json.dumps(self.rows, sort_keys=True)))}"'


@pytest.fixture()
def server() -> Iterator[FeedServer]:
    state = FeedServer(rows=[meeting_row("a"), meeting_row("b"), meeting_row("c")])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(dict(self.headers))
            if state.status != 200:
                self.send_response(state.status)
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == state.etag:
                self.send_response(304)
                self.end_headers()
                return
            body = json.dumps(state.rows).encode()
            self.send_response(200)
            self.send_header("ETag", state.etag)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/meetings.json"
    yield state
    httpd.shutdown()
    httpd.server_close()


def register(url: str) -> int:
    with session_scope() as session:
        return feeds.add_feed(session=session, url=url).id


def active_slugs() -> list[str]:
    with session_scope() as session:
        return sorted(session.scalars(select(Meeting.slug).where(Meeting.active.is_(True))))


def feed_row(feed_id: int) -> Feed:
    with session_scope() as session:
        feed = session.get(Feed, feed_id)
        assert feed is not None
        session.expunge(feed)
        return feed


@pytest.mark.usefixtures("database")
def test_a_registered_feed_is_read_then_not_modified(server: FeedServer) -> None:
    feed_id = register(server.url)

    first = feeds.refresh_feed(feed_id)
    second = feeds.refresh_feed(feed_id)

    assert (first.outcome, first.created) == ("loaded", 3)
    assert second.outcome == "not modified"
    assert server.requests[1]["If-None-Match"] == server.etag
    assert active_slugs() == ["a", "b", "c"]
    assert feed_row(feed_id).etag == server.etag


@pytest.mark.usefixtures("database")
def test_a_failing_feed_keeps_the_last_good_data_and_is_reported(
    server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_id = register(server.url)
    feeds.refresh_feed(feed_id)

    server.status = 500
    failed = feeds.refresh_feed(feed_id)
    server.status = 200
    server.rows = [{"slug": "broken", "time": "soon"}]  # nothing usable: not a reason to retire
    unusable = feeds.refresh_feed(feed_id)

    assert (failed.outcome, failed.error) == ("failed", "HTTP 500")
    assert unusable.outcome == "failed"
    assert unusable.error == "no usable meeting in 1 rows; the last good data is kept"
    assert active_slugs() == ["a", "b", "c"]
    assert cli.main(["feeds", "list"]) == 0
    assert f"{server.url}  checked" in capsys.readouterr().out
    assert feed_row(feed_id).last_error == unusable.error


def test_a_dropped_meeting_retires_and_its_subscribers_are_told_once(
    server: FeedServer, settings: Settings
) -> None:
    feed_id = register(server.url)
    with travel(MONDAY, tick=False):
        feeds.refresh_feed(feed_id)
        with session_scope() as session:
            dropped = session.scalars(select(Meeting).where(Meeting.slug == "c")).one()
            code = dropped.code
            for language in ("en", "es"):
                contact = make_contact(session, settings, language=language)
                session.add(Subscription(contact_id=contact.id, meeting_id=dropped.id))
        server.rows = server.rows[:2]

        feeds.refresh_feed(feed_id)
        server.rows = [*server.rows, meeting_row("d")]  # a changed feed, "c" still missing
        feeds.refresh_feed(feed_id)

    assert active_slugs() == ["a", "b", "d"]
    with session_scope() as session:
        retired = session.scalars(select(Meeting).where(Meeting.slug == "c")).one()
        assert retired.retired_at is not None and retired.code == code  # kept for history
        bodies = sorted(body or "" for body in session.scalars(select(OutboxMessage.body)))
        assert all(sub.ended_at is not None for sub in session.scalars(select(Subscription)))
    assert len(bodies) == 2  # told once each, though the feed was read twice more
    english = next(body for body in bodies if "no longer listed" in body)
    spanish = next(body for body in bodies if "ya no figura" in body)
    assert english.startswith(
        f"Circle c (#{code}) is no longer listed; reminders ended. Similar: #"
    )
    assert spanish.startswith(f"Circle c (#{code}) ya no figura")
    assert all(count_segments(body).segments == 1 for body in bodies)


def test_a_meeting_back_in_the_feed_is_listed_again_with_its_code(server: FeedServer) -> None:
    feed_id = register(server.url)
    feeds.refresh_feed(feed_id)
    with session_scope() as session:
        code = session.scalars(select(Meeting.code).where(Meeting.slug == "c")).one()
    everything = list(server.rows)
    server.rows = everything[:2]
    feeds.refresh_feed(feed_id)
    server.rows = everything
    feeds.refresh_feed(feed_id)

    assert active_slugs() == ["a", "b", "c"]
    with session_scope() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.slug == "c")).one()
        assert (meeting.code, meeting.retired_at) == (code, None)


@pytest.mark.usefixtures("database")
def test_the_scheduler_enqueues_each_due_feed_once(server: FeedServer) -> None:
    feed_id = register(server.url)

    assert feeds.enqueue_due(MONDAY) == 1
    assert feeds.enqueue_due(MONDAY + dt.timedelta(minutes=1)) == 0  # same job, still waiting
    (job,) = get_queue("bulk").jobs
    assert (job.func_name, job.args) == (REFRESH_JOB, (feed_id,))
    job.delete()
    with travel(MONDAY, tick=False):
        feeds.refresh_feed(feed_id)
    assert feeds.enqueue_due(MONDAY + dt.timedelta(hours=23)) == 0  # read within the day
    assert feeds.enqueue_due(MONDAY + dt.timedelta(hours=24)) == 1


@pytest.mark.usefixtures("database")
def test_feeds_commands(server: FeedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["feeds", "add", server.url]) == 0
    assert "registered; first read: loaded" in capsys.readouterr().out
    assert cli.main(["feeds", "add", "meetings.json"]) == 1  # a path is for `hotline import`
    assert cli.main(["feeds", "remove", server.url]) == 0
    assert cli.main(["feeds", "remove", server.url]) == 1
    capsys.readouterr()
    assert cli.main(["feeds", "list"]) == 0
    assert capsys.readouterr().out == ""
    assert active_slugs() == ["a", "b", "c"]  # removing a feed keeps its meetings
