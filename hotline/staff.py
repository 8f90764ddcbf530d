"""What each staff role may do: the one place role checks live (CLI, SMS and dashboard ask here).

- admin: everything, every group; the last fallback for crisis alerts.
- coordinator: their own groups (the groups of the meetings they run): broadcast, cancel,
  manage those groups' responders and volunteers; paged when on call.
- responder: paged for crisis and talk cases when on call; takes and closes cases.
- volunteer: listed for a future warm line's shifts; never paged for crisis alerts.
"""

from __future__ import annotations

import enum

from hotline.models import Coordinator, Meeting


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    RESPONDER = "responder"
    VOLUNTEER = "volunteer"


ROLES = tuple(role.value for role in Role)
# Roles paged for crisis and talk cases when on call.
PAGED_ROLES = frozenset({Role.ADMIN.value, Role.COORDINATOR.value, Role.RESPONDER.value})


def is_active(staff: Coordinator) -> bool:
    return staff.removed_at is None


def is_admin(staff: Coordinator) -> bool:
    return is_active(staff) and staff.role == Role.ADMIN


def is_paged(staff: Coordinator) -> bool:
    """Whether this person's role receives crisis alerts when on call."""
    return is_active(staff) and staff.role in PAGED_ROLES


def group_ids(staff: Coordinator) -> set[int]:
    """The groups a coordinator runs: their meetings' groups (and a legacy single group)."""
    groups = {meeting.group_id for meeting in staff.meetings}
    if staff.group_id is not None:
        groups.add(staff.group_id)
    return groups


def can_manage_meeting(staff: Coordinator, meeting: Meeting) -> bool:
    """Broadcast to, cancel or edit a meeting: admins any, coordinators their groups'."""
    if is_admin(staff):
        return True
    if not is_active(staff) or staff.role != Role.COORDINATOR:
        return False
    # A coordinator with no groups named runs every meeting, as before groups were assigned.
    groups = group_ids(staff)
    return not groups or meeting.group_id in groups


def can_close_others_cases(staff: Coordinator) -> bool:
    """Close a case someone else holds (a responder may close only their own)."""
    return is_active(staff) and staff.role in (Role.ADMIN, Role.COORDINATOR)


def can_see_staff(viewer: Coordinator, other: Coordinator) -> bool:
    """See another staff member on the staff page: admins all, coordinators their groups'."""
    if is_admin(viewer) or viewer.id == other.id:
        return True
    if not is_active(viewer) or viewer.role != Role.COORDINATOR:
        return False
    return bool(group_ids(viewer) & group_ids(other))


def can_manage_staff(actor: Coordinator, role: str, meetings: list[Meeting]) -> bool:
    """Add, edit or remove staff: admins any; coordinators their groups' responders, volunteers."""
    if is_admin(actor):
        return True
    if not is_active(actor) or actor.role != Role.COORDINATOR:
        return False
    if role not in (Role.RESPONDER, Role.VOLUNTEER) or not meetings:
        return False
    return all(can_manage_meeting(actor, meeting) for meeting in meetings)


def can_manage_staff_pages(staff: Coordinator) -> bool:
    """Open the staff page's forms at all."""
    return is_active(staff) and staff.role in (Role.ADMIN, Role.COORDINATOR)
