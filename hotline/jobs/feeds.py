"""Registered feeds stay fresh: the scheduler re-reads each one on its own schedule.

A re-read sends the feed's ETag and Last-Modified back (a 304 costs nothing), imports what
changed and retires what the feed dropped. Any failure (unreachable, an HTTP error, not JSON,
no usable meeting at all) keeps the last good data, is logged and stored on the feed row, and
shows in `hotline feeds list`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hotline import bmlt, clock
from hotline import settings as settings_module
from hotline.db import session_scope
from hotline.feeds import FeedError
from hotline.importer import BMLT, FETCH_TIMEOUT_SECONDS, feed_for, import_rows, rows_from_json
from hotline.jobs.names import REFRESH_JOB
from hotline.logs import log
from hotline.models import Feed, Priority
from hotline.queues import PendingJob, enqueue_now

logger = logging.getLogger(__name__)
_ERROR_MAX = 300  # Feed.last_error


@dataclass(frozen=True)
class Refresh:
    """How one re-read went: "loaded", "not modified" or "failed" (with why)."""

    outcome: str
    error: str | None = None
    created: int = 0
    updated: int = 0
    retired: int = 0


def add_feed(
    *, session: Session, url: str, kind: str = "meeting_guide", time_zone: str | None = None
) -> Feed:
    """Register a feed for re-reading (again, if it was removed); return its row."""
    if not url.startswith(("http://", "https://")):
        raise FeedError("a registered feed is an http(s) URL")
    feed = feed_for(session=session, url=url)
    feed.registered, feed.kind = True, kind
    if time_zone is not None:
        feed.default_time_zone = time_zone
    return feed


def remove_feed(*, session: Session, url: str) -> bool:
    """Stop re-reading a feed; its meetings stay as last read. False when it was not registered."""
    feed = session.scalars(select(Feed).where(Feed.url == url, Feed.registered.is_(True))).first()
    if feed is None:
        return False
    feed.registered = False
    return True


def list_feeds(*, session: Session) -> list[Feed]:
    """Return the registered feeds, oldest first."""
    return list(session.scalars(select(Feed).where(Feed.registered.is_(True)).order_by(Feed.id)))


def enqueue_due(now: dt.datetime) -> int:
    """Enqueue a re-read of every registered feed not checked within the interval (scheduler)."""
    interval = dt.timedelta(hours=settings_module.get_settings().feed_refresh_hours)
    with session_scope() as session:
        due = session.scalars(
            select(Feed.id).where(
                Feed.registered.is_(True),
                or_(Feed.checked_at.is_(None), Feed.checked_at <= now - interval),
            )
        ).all()
    # One job id per feed and interval, so two schedulers enqueue it once.
    slot = int(now.timestamp() // interval.total_seconds())
    jobs = [
        PendingJob(REFRESH_JOB, (feed_id,), f"feed-{feed_id}-{slot}", Priority.BULK.value)
        for feed_id in due
    ]
    return sum(enqueue_now(job) for job in jobs)


def refresh_feed(feed_id: int, *, hotline_numbers: tuple[str, ...] | None = None) -> Refresh:
    """Re-read one feed (the job); never raises for a feed's own failure."""
    now = clock.now()
    with session_scope() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return Refresh("failed", "no such feed")
        url, headers, kind = feed.url, _conditional_headers(feed), feed.kind
        default_zone = feed.default_time_zone
    try:
        fetch = bmlt.search_url(url) if kind == BMLT else url
        response = httpx.get(
            fetch, headers=headers, timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=True
        )
        if response.status_code == httpx.codes.NOT_MODIFIED:
            result = Refresh("not modified")
        else:
            response.raise_for_status()
            result = _load(feed_id, url, response, (kind, default_zone), hotline_numbers)
    except (httpx.HTTPError, FeedError) as exc:
        result = Refresh("failed", _reason(exc))
    _record(feed_id, now, result)
    return result


def _load(
    feed_id: int,
    url: str,
    response: httpx.Response,
    kind_and_zone: tuple[str, str | None],
    hotline_numbers: tuple[str, ...] | None,
) -> Refresh:
    kind, default_zone = kind_and_zone
    rows = rows_from_json(response.content, kind)
    numbers = hotline_numbers if hotline_numbers is not None else _line_numbers()
    # Parse first, store only a feed with something in it: an empty or broken answer from a
    # feed server must not retire every meeting it listed yesterday.
    report = import_rows(
        rows,
        source=url,
        hotline_numbers=numbers,
        default_time_zone=default_zone,
        require_meetings=True,
    )
    with session_scope() as session:
        feed = session.get(Feed, feed_id)
        assert feed is not None
        feed.etag = response.headers.get("etag")
        feed.last_modified = response.headers.get("last-modified")
    return Refresh("loaded", None, report.created, report.updated, len(report.retired))


def _record(feed_id: int, now: dt.datetime, result: Refresh) -> None:
    with session_scope() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return
        feed.checked_at = now
        if result.outcome == "failed":
            feed.last_error = (result.error or "failed")[:_ERROR_MAX]
        else:
            feed.last_error = None
            feed.loaded_at = now
    level = logging.ERROR if result.outcome == "failed" else logging.INFO
    fields: dict[str, Any] = {"feed_id": feed_id, "outcome": result.outcome.replace(" ", "_")}
    if result.error:
        fields["error"] = result.error
    log(logger, "feed_refreshed", level, **fields)


def _conditional_headers(feed: Feed) -> dict[str, str]:
    headers = {}
    # A feed that failed last time is fetched whole, so a fixed feed is read again in full.
    if feed.last_error is None:
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
    return headers


def _reason(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.HTTPError):
        return f"could not fetch the feed: {type(exc).__name__}"
    return str(exc)


def _line_numbers() -> tuple[str, ...]:
    number = settings_module.get_settings().from_number
    return (number,) if number else ()
