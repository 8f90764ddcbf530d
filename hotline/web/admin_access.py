"""Who may do what on the dashboard: every page's role and permission check, in one place.

It asks hotline/staff.py (roles, removed staff, the groups a coordinator runs) and adds only
what pages need on top: a WHERE clause for "my meetings" and the group-level checks.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from hotline import staff as roles
from hotline.models import Coordinator, Meeting


def is_admin(me: Coordinator) -> bool:
    """True for staff who may do everything, on every group."""
    return roles.is_admin(me)


def runs_meetings(me: Coordinator) -> bool:
    """True for staff who run groups: meetings, broadcasts, live rooms, reports."""
    return is_admin(me) or (roles.is_active(me) and me.role == roles.Role.COORDINATOR)


def can_handle_cases(me: Coordinator) -> bool:
    """True for staff who see support cases and may ACK, close and annotate them."""
    return roles.is_paged(me)


def can_close_others_cases(me: Coordinator) -> bool:
    """True for staff who may close a case someone else holds."""
    return roles.can_close_others_cases(me)


def can_manage_staff(me: Coordinator) -> bool:
    """True for staff who open the staff pages."""
    return roles.can_manage_staff_pages(me)


def _all_groups(me: Coordinator) -> bool:
    # A coordinator with no groups named runs every meeting (hotline/staff.py says so too).
    return is_admin(me) or (runs_meetings(me) and not roles.group_ids(me))


def runs_every_meeting(me: Coordinator) -> bool:
    """True for staff whose meetings are every meeting (admins, coordinators of no group)."""
    return _all_groups(me)


def can_manage_meeting(*, session: Session, me: Coordinator, meeting_id: int) -> bool:
    """True when this staff member runs the meeting's group."""
    meeting = session.get(Meeting, meeting_id)
    return meeting is not None and roles.can_manage_meeting(me, meeting)


def can_manage_group(*, me: Coordinator, group_id: int | None) -> bool:
    """True when this staff member runs the group (None: the whole line)."""
    if not runs_meetings(me):
        return False
    return _all_groups(me) or group_id in roles.group_ids(me)


def may_add_groups(me: Coordinator) -> bool:
    """True for staff who may start a new group (admins, coordinators of every group)."""
    return _all_groups(me)


def my_meetings(me: Coordinator) -> ColumnElement[bool]:
    """A WHERE clause for the meetings this staff member runs."""
    if not runs_meetings(me):
        return Meeting.id.is_(None)
    if _all_groups(me):
        return true()
    return Meeting.group_id.in_(roles.group_ids(me))


def may_assign_runners(me: Coordinator) -> bool:
    """True for staff who choose which coordinators run a meeting (admins)."""
    return is_admin(me)


def runs_meeting(person: Coordinator, meeting: Meeting) -> bool:
    """True when this staff member runs the meeting (for "Run by:" on its page)."""
    return roles.can_manage_meeting(person, meeting)


def runs_every_group(person: Coordinator) -> bool:
    """True for a coordinator with no meeting assigned, who so runs every group."""
    return person.role == roles.Role.COORDINATOR and not roles.group_ids(person)
