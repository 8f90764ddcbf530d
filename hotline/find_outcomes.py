"""Record what each new search found, by area only, for the unmet-demand report."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.orm import Session

from hotline import clock
from hotline.finder import NearbyMeeting
from hotline.flows.digits import is_number
from hotline.models import FindOutcome


def record_find(
    *, session: Session, channel: str, label: str, found: Sequence[NearbyMeeting]
) -> None:
    """Keep one row per new search: its ZIP area (when it was a ZIP), whether a group was near."""
    zip3 = label[:3] if len(label) == 5 and is_number(label) else None
    values = {
        "at": clock.now(),
        "channel": channel,
        "zip3": zip3,
        "local_found": any(nearby.distance_miles is not None for nearby in found),
        "results": len(found),
    }
    # Core on the session's connection: the same transaction, without an ORM flush at commit.
    session.connection().execute(_INSERT, values)


_INSERT = insert(FindOutcome)
