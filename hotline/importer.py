"""Load a Meeting Guide JSON feed into groups and meetings, updating by slug.

A meeting the feed no longer lists is retired (kept for history, no longer listed); codes
stay with their slugs across re-imports, retired meetings' codes included. A meeting staff
detached from its feed (the dashboard's "Detach from feed") is left as it is: neither updated
nor retired by later reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.progress import track
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import bmlt, clock, metrics
from hotline.db import session_scope
from hotline.feeds import FeedError, FeedMeeting, known_zone, parse_row, row_label
from hotline.logs import log
from hotline.models import Feed, Group, Meeting
from hotline.phones import PhoneError, normalise

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 30.0
MEETING_GUIDE, BMLT = "meeting_guide", "bmlt"  # Feed.kind
SessionFactory = Callable[[], contextlib.AbstractContextManager[Session]]


@dataclass
class ImportReport:
    """What an import did, counted in meetings (one per row); groups follow silently."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (slug, or "#<index>" for a row without one; why it was left out)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Stored but not listed: (slug, why nobody can attend it now)
    inactive: list[tuple[str, str]] = field(default_factory=list)
    # Meetings of this feed it no longer lists, now retired (their ids)
    retired: list[int] = field(default_factory=list)
    # Meetings staff detached from the feed, left as they are (their slugs)
    detached: list[str] = field(default_factory=list)


def load_feed(source: str, kind: str = MEETING_GUIDE) -> list[Any]:
    """Read a feed from a file path or an http(s) URL; raise FeedError when it is not a feed.

    `kind` "bmlt" reads a BMLT server's GetSearchResults (a root server URL will do).
    """
    try:
        if source.startswith(("http://", "https://")):
            url = bmlt.search_url(source) if kind == BMLT else source
            response = httpx.get(url, timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=True)
            response.raise_for_status()
            content = response.content
        else:
            content = Path(source).read_bytes()
    except httpx.HTTPError as exc:
        raise FeedError(f"could not fetch the feed: {exc}") from exc
    except OSError as exc:
        raise FeedError(f"could not read the feed: {exc.strerror or exc}") from exc
    return rows_from_json(content, kind)


def rows_from_json(content: bytes, kind: str = MEETING_GUIDE) -> list[Any]:
    """Decode a feed's bytes into Meeting Guide rows; raise FeedError when it is not a feed."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError
        raise FeedError(f"the feed is not valid JSON: {exc}") from exc
    if kind == BMLT:
        return [bmlt.meeting_guide_row(meeting) for meeting in bmlt.meetings_of(data)]
    if not isinstance(data, list):
        raise FeedError("a Meeting Guide feed is a JSON array of meetings")
    return data


def import_feed(
    source: str,
    *,
    session_factory: SessionFactory = session_scope,
    hotline_numbers: Collection[str | None] = (),
    progress: bool = False,
    default_time_zone: str | None = None,
    kind: str = MEETING_GUIDE,
) -> ImportReport:
    """Create or update a meeting per feed row, retire the ones it dropped, report the rest."""
    rows = load_feed(source, kind)
    return import_rows(
        rows,
        source=source,
        session_factory=session_factory,
        hotline_numbers=hotline_numbers,
        progress=progress,
        default_time_zone=default_time_zone,
    )


def import_rows(
    rows: list[Any],
    *,
    source: str,
    session_factory: SessionFactory = session_scope,
    hotline_numbers: Collection[str | None] = (),
    progress: bool = False,
    default_time_zone: str | None = None,
    require_meetings: bool = False,
) -> ImportReport:
    """Store rows already read from the feed at `source` (a URL or a path).

    With require_meetings, a feed with no usable meeting is refused (FeedError) rather than
    retiring everything the feed listed before.
    """
    if default_time_zone is not None and not known_zone(default_time_zone):
        raise FeedError(f"unknown time zone {default_time_zone!r}")
    log(logger, "feed_loaded", rows=len(rows))
    report = ImportReport()
    meetings = _parse_rows(rows, _line_numbers(hotline_numbers), report, default_time_zone)
    if require_meetings and not meetings:
        raise FeedError(f"no usable meeting in {len(rows)} rows; the last good data is kept")
    with session_factory() as session:
        feed = feed_for(session=session, url=source)
        _store(session, feed, meetings, report, progress=progress)
        _retire_missing(session, feed, {meeting.slug for meeting in meetings}, report)
    log(
        logger,
        "feed_imported",
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=len(report.skipped),
        inactive=len(report.inactive),
        retired=len(report.retired),
    )
    metrics.count_import(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=len(report.skipped),
    )
    return report


def feed_for(*, session: Session, url: str) -> Feed:
    """Return the feed row for a source, adding it (not registered) on first import."""
    feed = session.scalars(select(Feed).where(Feed.url == url)).first()
    if feed is None:
        feed = Feed(url=url)
        session.add(feed)
        session.flush()
    return feed


def _line_numbers(numbers: Collection[str | None]) -> frozenset[str]:
    found = set()
    for number in numbers:
        with contextlib.suppress(PhoneError):
            found.add(normalise(number or ""))
    return frozenset(found)


def _parse_rows(
    rows: list[Any],
    hotline_numbers: frozenset[str],
    report: ImportReport,
    default_time_zone: str | None,
) -> list[FeedMeeting]:
    meetings: dict[str, FeedMeeting] = {}
    for index, row in enumerate(rows):
        try:
            meeting = parse_row(
                row, hotline_numbers=hotline_numbers, default_time_zone=default_time_zone
            )
        except FeedError as exc:
            report.skipped.append((row_label(row, index), str(exc)))
            continue
        if meeting.slug in meetings:
            report.skipped.append((meeting.slug, "duplicate slug in the feed"))
            continue
        meetings[meeting.slug] = meeting
        if meeting.inactive_reason is not None:
            report.inactive.append((meeting.slug, meeting.inactive_reason))
    return list(meetings.values())


def _store(
    session: Session,
    feed: Feed,
    meetings: list[FeedMeeting],
    report: ImportReport,
    *,
    progress: bool,
) -> None:
    existing = {meeting.slug: meeting for meeting in session.scalars(select(Meeting))}
    _adopt_per_day_meetings(meetings, existing)
    groups = _Groups(session)
    codes = _assign_codes(meetings, existing, report)
    steps: Iterable[FeedMeeting] = (
        track(meetings, description="Importing meetings") if progress else meetings
    )
    for feed_meeting in steps:
        code = codes.get(feed_meeting.slug)
        if code is None:
            continue  # its code is held by another meeting: already reported
        group = groups.for_meeting(feed_meeting)
        meeting = existing.get(feed_meeting.slug)
        if meeting is not None and meeting.detached_at is not None:
            report.detached.append(meeting.slug)  # staff took it over: theirs now
        elif meeting is None:
            session.add(_new_meeting(feed_meeting, code, group, feed))
            report.created += 1
        elif _update_meeting(meeting, feed_meeting, code, group, feed):
            report.updated += 1
        else:
            report.unchanged += 1


def _adopt_per_day_meetings(meetings: list[FeedMeeting], existing: dict[str, Meeting]) -> None:
    """Let a meeting on several days keep the code its first day had as a per-day meeting.

    Imports before one-meeting-one-code stored "<slug>-d<day>" per day; the first found takes
    the plain slug (and so its code and subscribers), the others are retired as dropped.
    """
    for feed_meeting in meetings:
        if feed_meeting.slug in existing:
            continue
        for day in feed_meeting.feed_days:
            old = existing.get(f"{feed_meeting.slug}-d{day}")
            if old is not None:
                del existing[old.slug]
                old.slug = feed_meeting.slug
                existing[old.slug] = old
                break


def _retire_missing(session: Session, feed: Feed, seen: set[str], report: ImportReport) -> None:
    from hotline.retirement import retire_meetings

    statement = select(Meeting).where(
        Meeting.feed_id == feed.id,
        Meeting.retired_at.is_(None),
        Meeting.detached_at.is_(None),
        Meeting.slug.not_in(seen),
    )
    dropped = list(session.scalars(statement))
    retire_meetings(session=session, meetings=dropped, now=clock.now())
    report.retired.extend(meeting.id for meeting in dropped)


def _new_meeting(feed_meeting: FeedMeeting, code: str, group: Group, feed: Feed) -> Meeting:
    return Meeting(
        slug=feed_meeting.slug,
        code=code,
        group=group,
        feed_id=feed.id,
        **feed_meeting.meeting_columns(),
    )


def _update_meeting(
    meeting: Meeting, feed_meeting: FeedMeeting, code: str, group: Group, feed: Feed
) -> bool:
    """Assign only what differs, so an unchanged meeting keeps its updated_at."""
    # A retired meeting back in the feed is listed again.
    wanted = {
        **feed_meeting.meeting_columns(),
        "code": code,
        "feed_id": feed.id,
        "retired_at": None,
    }
    changes = {key: value for key, value in wanted.items() if getattr(meeting, key) != value}
    for key, value in changes.items():
        setattr(meeting, key, value)
    if group.id is None or meeting.group_id != group.id:
        meeting.group = group
        return True
    return bool(changes)


class _Groups:
    """Groups by slug; the first feed row naming a group sets its name and description."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._by_slug = {group.slug: group for group in session.scalars(select(Group))}
        self._seen: set[str] = set()

    def for_meeting(self, feed_meeting: FeedMeeting) -> Group:
        group = self._by_slug.get(feed_meeting.group_slug)
        if group is None:
            group = Group(slug=feed_meeting.group_slug, name="", description="")
            self._session.add(group)
            self._by_slug[group.slug] = group
        if group.slug not in self._seen:
            self._seen.add(group.slug)
            if group.name != feed_meeting.group_name:
                group.name = feed_meeting.group_name
            if group.description != feed_meeting.group_description:
                group.description = feed_meeting.group_description
        return group


def _assign_codes(
    meetings: list[FeedMeeting], existing: dict[str, Meeting], report: ImportReport
) -> dict[str, str]:
    """Give every meeting a keypad code: the feed's, else the one it has, else a new one."""
    holders = {meeting.code: slug for slug, meeting in existing.items()}
    codes: dict[str, str] = {}
    # The feed's own codes are claimed first, so a new code never takes one the feed names.
    for meeting in meetings:
        if meeting.code is None:
            continue
        holder = holders.setdefault(meeting.code, meeting.slug)
        if holder == meeting.slug:
            codes[meeting.slug] = meeting.code
        else:
            report.skipped.append((meeting.slug, f"code {meeting.code} is held by another meeting"))
    # Sorted, so the same feed gives the same codes whatever its row order.
    for meeting in sorted(meetings, key=lambda meeting: meeting.slug):
        if meeting.code is not None:
            continue
        current = existing.get(meeting.slug)
        codes[meeting.slug] = current.code if current else _new_code(meeting.slug, holders)
    return codes


def _new_code(slug: str, holders: dict[str, str]) -> str:
    """Derive a code from the slug; on a collision try the next one."""
    for candidate in _candidate_codes(slug):
        if candidate not in holders:
            holders[candidate] = slug
            return candidate
    raise FeedError("no free meeting code left")


def _candidate_codes(slug: str) -> Iterator[str]:
    """Yield 4-digit codes (1000-9999), then, once those run out, 6-digit ones.

    Never 5 digits: a 5-digit text is read as a ZIP ("94110" finds groups near it).
    """
    seed = int.from_bytes(hashlib.sha256(slug.encode()).digest()[:8], "big")
    for low, span in ((1000, 9000), (100000, 900000)):
        for step in range(span):
            yield str(low + (seed + step) % span)
