"""Retired meetings: a feed dropped them, so they are kept for history but no longer listed.

Their subscribers are told once, in their own language, and offered similar meetings: the
nearest in-person ones to where it met, else phone meetings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import catalogs, finder
from hotline import settings as settings_module
from hotline.flows.names import NAME_LIMITS, fit_names
from hotline.flows.schedule import texted_when
from hotline.flows.segments import count_segments
from hotline.logs import log
from hotline.models import Contact, Meeting, Priority, Subscription
from hotline.outbox import enqueue_ids, insert_new, sms_values

logger = logging.getLogger(__name__)
_SIMILAR = 2


def retire_meetings(*, session: Session, meetings: Sequence[Meeting], now: dt.datetime) -> int:
    """Retire meetings, end their subscriptions and text each subscriber once; return texts."""
    if not meetings:
        return 0
    for meeting in meetings:
        meeting.active = False
        meeting.retired_at = now
    session.flush()
    rows = []
    for meeting in meetings:
        similar = _similar(session, meeting, now)
        for subscription, language, zone in _subscribers(session, meeting):
            subscription.ended_at = now
            body = retired_text(
                language=language, meeting=meeting, similar=similar, viewer_zone=zone
            )
            rows.append(
                sms_values(
                    contact_id=subscription.contact_id,
                    body=body,
                    purpose="retired",
                    priority=Priority.DEFAULT,
                    # One notice per subscription, however often the feed is re-read.
                    dedupe_key=f"retired:{subscription.id}",
                )
            )
    ids = insert_new(session=session, rows=rows)
    enqueue_ids(session, ids, Priority.DEFAULT.value)
    log(logger, "meetings_retired", meetings=len(meetings), notices=len(ids))
    return len(ids)


def retired_text(
    *,
    language: str,
    meeting: Meeting,
    similar: Sequence[finder.NearbyMeeting],
    viewer_zone: str | None = None,
) -> str:
    """Word the notice in one segment: the similar meetings that fit, else none."""
    words = catalogs.catalog(language)

    def notice(listed: str) -> str:
        key = "feeds.retired_similar" if listed else "feeds.retired"
        return fit_names(
            lambda style: words.t(
                key, name=style(meeting.name, meeting.code), code=meeting.code, similar=listed
            ),
            words,
            segments=1,
            limits=NAME_LIMITS,
        )

    for count in range(len(similar), 0, -1):
        text = notice(", ".join(_label(f, language, viewer_zone) for f in similar[:count]))
        if count_segments(text).segments <= 1:
            return text
    return notice("")


def _label(found: finder.NearbyMeeting, language: str, viewer_zone: str | None) -> str:
    when = texted_when(
        found.next_start,
        found.meeting.time_zone,
        language,
        by_phone=found.meeting.format in finder.PHONE_FORMATS,
        viewer_zone=viewer_zone,
    )
    return f"#{found.meeting.code} {when}"


def _similar(session: Session, meeting: Meeting, now: dt.datetime) -> list[finder.NearbyMeeting]:
    origin = (
        (meeting.latitude, meeting.longitude)
        if meeting.in_person and meeting.latitude is not None and meeting.longitude is not None
        else None
    )
    return finder.find_nearest_meetings(
        session=session,
        origin=origin,
        topic=None,
        limit=_SIMILAR,
        offset=0,
        radius_miles=settings_module.get_settings().find_radius_miles,
        now=now,
    )


def _subscribers(session: Session, meeting: Meeting) -> list[tuple[Subscription, str, str | None]]:
    statement = (
        select(Subscription, Contact.language, Contact.time_zone)
        .join(Contact, Contact.id == Subscription.contact_id)
        .where(
            Subscription.meeting_id == meeting.id,
            Subscription.ended_at.is_(None),
            Contact.opted_out_at.is_(None),
            Contact.invalid_at.is_(None),
            Contact.can_sms.is_(True),
        )
    )
    return [(row[0], row[1], row[2]) for row in session.execute(statement)]
