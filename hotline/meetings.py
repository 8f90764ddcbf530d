"""Meetings: keyword-only queries by the keys callers and texters use."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.models import Meeting


def get_meeting_by_code(*, session: Session, code: str, active_only: bool = True) -> Meeting | None:
    """Return the meeting a keypad code names; an inactive one only when active_only is False."""
    statement = select(Meeting).where(Meeting.code == code)
    if active_only:
        statement = statement.where(Meeting.active.is_(True))
    return session.scalars(statement).first()


def get_meeting_by_direct_number(*, session: Session, e164: str) -> Meeting | None:
    """Return the meeting whose dedicated number was dialled, active or not."""
    return session.scalars(select(Meeting).where(Meeting.direct_number == e164)).first()
