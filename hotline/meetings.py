"""Meetings: keyword-only queries by the keys callers and texters use."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from hotline.models import Meeting

# Built once (building costs about what running does), the group read in the same query:
# every answer about a meeting shows its group's reminder times.
_BY_CODE = (
    select(Meeting).where(Meeting.code == bindparam("code")).options(joinedload(Meeting.group))
)
_ACTIVE_BY_CODE = _BY_CODE.where(Meeting.active.is_(True))


def get_meeting_by_code(*, session: Session, code: str, active_only: bool = True) -> Meeting | None:
    """Return the meeting a keypad code names; an inactive one only when active_only is False."""
    statement = _ACTIVE_BY_CODE if active_only else _BY_CODE
    return session.scalars(statement, {"code": code}).first()


_BY_DIRECT_NUMBER = select(Meeting).where(Meeting.direct_number == bindparam("e164"))


def get_meeting_by_direct_number(*, session: Session, e164: str) -> Meeting | None:
    """Return the meeting whose dedicated number was dialled, active or not."""
    return session.scalars(_BY_DIRECT_NUMBER, {"e164": e164}).first()
