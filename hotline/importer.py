"""Load a Meeting Guide JSON feed into groups and meetings, updating by slug."""

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

from hotline import metrics
from hotline.db import session_scope
from hotline.feeds import FeedError, FeedMeeting, parse_row, row_label
from hotline.logs import log
from hotline.models import Group, Meeting
from hotline.phones import PhoneError, normalise

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 30.0
SessionFactory = Callable[[], contextlib.AbstractContextManager[Session]]


@dataclass
class ImportReport:
    """What an import did, counted in meetings (one per row and day); groups follow silently."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (slug, or "#<index>" for a row without one; why it was left out)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def load_feed(source: str) -> list[dict[str, Any]]:
    """Read a feed from a file path or an http(s) URL; raise FeedError when it is not a feed."""
    try:
        if source.startswith(("http://", "https://")):
            response = httpx.get(source, timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=True)
            response.raise_for_status()
            data = response.json()
        else:
            data = json.loads(Path(source).read_text(encoding="utf-8-sig"))
    except httpx.HTTPError as exc:
        raise FeedError(f"could not fetch the feed: {exc}") from exc
    except OSError as exc:
        raise FeedError(f"could not read the feed: {exc.strerror or exc}") from exc
    except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError
        raise FeedError(f"the feed is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise FeedError("a Meeting Guide feed is a JSON array of meetings")
    return data


def import_feed(
    source: str,
    *,
    session_factory: SessionFactory = session_scope,
    hotline_numbers: Collection[str | None] = (),
    progress: bool = False,
) -> ImportReport:
    """Create or update a meeting per feed row and day, and report what was left out and why."""
    rows = load_feed(source)
    log(logger, "feed_loaded", rows=len(rows))
    report = ImportReport()
    meetings = _parse_rows(rows, _line_numbers(hotline_numbers), report)
    with session_factory() as session:
        _store(session, meetings, report, progress=progress)
    log(
        logger,
        "feed_imported",
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=len(report.skipped),
    )
    metrics.count_import(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=len(report.skipped),
    )
    return report


def _line_numbers(numbers: Collection[str | None]) -> frozenset[str]:
    found = set()
    for number in numbers:
        with contextlib.suppress(PhoneError):
            found.add(normalise(number or ""))
    return frozenset(found)


def _parse_rows(
    rows: list[dict[str, Any]], hotline_numbers: frozenset[str], report: ImportReport
) -> list[FeedMeeting]:
    meetings: dict[str, FeedMeeting] = {}
    for index, row in enumerate(rows):
        try:
            parsed = parse_row(row, hotline_numbers=hotline_numbers)
        except FeedError as exc:
            report.skipped.append((row_label(row, index), str(exc)))
            continue
        for meeting in parsed:
            if meeting.slug in meetings:
                report.skipped.append((meeting.slug, "duplicate slug in the feed"))
            else:
                meetings[meeting.slug] = meeting
    return list(meetings.values())


def _store(
    session: Session, meetings: list[FeedMeeting], report: ImportReport, *, progress: bool
) -> None:
    existing = {meeting.slug: meeting for meeting in session.scalars(select(Meeting))}
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
        if meeting is None:
            session.add(_new_meeting(feed_meeting, code, group))
            report.created += 1
        elif _update_meeting(meeting, feed_meeting, code, group):
            report.updated += 1
        else:
            report.unchanged += 1


def _new_meeting(feed_meeting: FeedMeeting, code: str, group: Group) -> Meeting:
    return Meeting(slug=feed_meeting.slug, code=code, group=group, **feed_meeting.meeting_columns())


def _update_meeting(meeting: Meeting, feed_meeting: FeedMeeting, code: str, group: Group) -> bool:
    """Assign only what differs, so an unchanged meeting keeps its updated_at."""
    wanted = {**feed_meeting.meeting_columns(), "code": code}
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
