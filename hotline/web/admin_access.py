"""Who may do what on the dashboard: every role and permission check, in one place.

Written against today's Coordinator rows: `role` is "admin", "coordinator" or "responder"
(later "volunteer"), and a coordinator with a `group_id` runs only that group's meetings (one
without runs them all, as the SMS commands have it).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from hotline.models import Coordinator, Meeting

CASE_ROLES = frozenset({"admin", "coordinator", "responder", "volunteer"})


def is_admin(me: Coordinator) -> bool:
    """True for staff who may do everything, on every group."""
    return me.role == "admin"


def runs_meetings(me: Coordinator) -> bool:
    """True for staff who run groups: meetings, broadcasts, live rooms, reports."""
    return is_admin(me) or me.role == "coordinator"


def can_handle_cases(me: Coordinator) -> bool:
    """True for staff who see support cases and may ACK, close and annotate them."""
    return me.role in CASE_ROLES


def can_manage_meeting(*, session: Session, me: Coordinator, meeting_id: int) -> bool:
    """True when this staff member runs the meeting's group."""
    if not runs_meetings(me):
        return False
    if is_admin(me) or me.group_id is None:
        return True
    meeting = session.get(Meeting, meeting_id)
    return meeting is not None and meeting.group_id == me.group_id


def can_manage_group(*, me: Coordinator, group_id: int | None) -> bool:
    """True when this staff member runs the group (None: the whole line)."""
    if not runs_meetings(me):
        return False
    return is_admin(me) or me.group_id is None or me.group_id == group_id


def my_meetings(me: Coordinator) -> ColumnElement[bool]:
    """A WHERE clause for the meetings this staff member runs."""
    if not runs_meetings(me):
        return Meeting.id.is_(None)
    if is_admin(me) or me.group_id is None:
        return true()
    return Meeting.group_id == me.group_id
