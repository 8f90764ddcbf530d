"""/admin/meetings: list and search, create, edit, pause, resume and delete, rotate PINs.

The form's rules live in hotline/meeting_form.py; this module asks who may, and shows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.feeds import slugify
from hotline.flows.digits import as_int
from hotline.meeting_form import FORMATS, MeetingForm, rotate_pins, save_meeting
from hotline.models import (
    Broadcast,
    Call,
    Coordinator,
    Group,
    Meeting,
    MeetingCancellation,
    Room,
    Subscription,
)
from hotline.staff import Role
from hotline.web.admin_access import (
    can_manage_group,
    can_manage_meeting,
    may_add_groups,
    may_assign_runners,
    my_meetings,
    runs_every_group,
    runs_meeting,
    runs_meetings,
)
from hotline.web.admin_pages import Render, Staff, act, page
from hotline.web.ids import ID

US_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
)
SEARCH_LIMIT = 200


def _require_runner(staff: Staff) -> None:
    if not runs_meetings(staff.me):
        raise staff.forbid()


def _list(staff: Staff, q: str) -> dict[str, Any]:
    _require_runner(staff)
    statement = (
        select(Meeting)
        .join(Group)
        .where(my_meetings(staff.me))
        .options(selectinload(Meeting.group))
    )
    if q:
        like = f"%{q.lower()}%"
        statement = statement.where(
            or_(
                Meeting.code == q,
                func.lower(Meeting.name).like(like),
                func.lower(Group.name).like(like),
            )
        )
    found = list(staff.session.scalars(statement.order_by(Meeting.code).limit(SEARCH_LIMIT)))
    members = dict(
        (meeting_id, int(count))
        for meeting_id, count in staff.session.execute(
            select(Subscription.meeting_id, func.count())
            .where(
                Subscription.ended_at.is_(None), Subscription.meeting_id.in_([m.id for m in found])
            )
            .group_by(Subscription.meeting_id)
        )
    )
    return {"meetings": found, "members": members, "q": q, "limit": SEARCH_LIMIT}


def _my_groups(staff: Staff) -> list[Group]:
    groups = staff.session.scalars(select(Group).order_by(Group.name))
    return [g for g in groups if can_manage_group(me=staff.me, group_id=g.id)]


def _may_add_groups(staff: Staff) -> bool:
    return may_add_groups(staff.me)


def _form_page(staff: Staff, form: MeetingForm, meeting: Meeting | None) -> dict[str, Any]:
    runners: list[str] = []
    coordinators: list[tuple[Coordinator, bool]] = []
    if meeting is not None:
        people = list(
            staff.session.scalars(
                select(Coordinator)
                .where(
                    Coordinator.role.in_((Role.ADMIN.value, Role.COORDINATOR.value)),
                    Coordinator.removed_at.is_(None),
                )
                .order_by(Coordinator.display_name)
            )
        )
        runners = [p.display_name for p in people if runs_meeting(p, meeting)]
        if may_assign_runners(staff.me):
            coordinators = [
                (p, meeting in p.meetings) for p in people if p.role == Role.COORDINATOR
            ]
    return {
        "form": form,
        "meeting": meeting,
        "groups": _my_groups(staff),
        "may_add_groups": _may_add_groups(staff),
        "formats": FORMATS,
        "zones": US_ZONES,
        "runners": runners,
        "coordinators": coordinators,
        "from_feed": meeting is not None and from_feed(meeting),
    }


def _my_meeting(staff: Staff, meeting_id: int) -> Meeting:
    _require_runner(staff)
    meeting = staff.session.get(Meeting, meeting_id)
    if meeting is None:
        raise staff.missing()
    if not can_manage_meeting(session=staff.session, me=staff.me, meeting_id=meeting_id):
        raise staff.forbid()
    return meeting


def _group_for(staff: Staff, form: MeetingForm) -> Group | None:
    if form.new_group and _may_add_groups(staff):
        slug, n = slugify(form.new_group) or "group", 1
        base = slug
        while staff.session.scalars(select(Group.id).where(Group.slug == slug)).first():
            n += 1
            slug = f"{base}-{n}"
        group = Group(slug=slug, name=form.new_group[:300], description="")
        staff.session.add(group)
        return group
    group_id = as_int(form.group_id, max_digits=8)
    if group_id is None:
        return None
    if not can_manage_group(me=staff.me, group_id=group_id):
        raise staff.forbid()
    return staff.session.get(Group, group_id)


def _save(
    staff: Staff, fields: dict[str, str], meeting_id: int | None
) -> tuple[str, str | None] | Render:
    meeting = _my_meeting(staff, meeting_id) if meeting_id is not None else None
    if meeting is None:
        _require_runner(staff)
    form = MeetingForm.posted(fields)
    with staff.session.begin_nested() as attempt:
        saved, changed = save_meeting(
            session=staff.session, form=form, meeting=meeting, group=_group_for(staff, form)
        )
        if saved is None:
            attempt.rollback()
    if saved is None:
        errors = [staff.words.t(f"dash.mf_err.{key}") for key in dict.fromkeys(form.errors)]
        return Render(
            "meeting_form.html", {**_form_page(staff, form, meeting), "error": " ".join(errors)}
        )
    note = staff.words.t("dash.mf_saved", code=saved.code)
    if from_feed(saved):
        note = f"{note} {staff.words.t('dash.mf_feed_warning')}"
    if meeting is None and form.use_pins:
        member, host = rotate_pins(saved)
        note = staff.words.t("dash.mf_pins", code=saved.code, member=member, host=host)
    staff.audit(
        "meeting_created" if meeting is None else "meeting_updated",
        "meeting",
        saved.id,
        fields=changed,
    )
    return f"/admin/meetings/{saved.id}", note


def from_feed(meeting: Meeting) -> bool:
    """True when the next read of its feed will write over this meeting."""
    return meeting.feed_id is not None and meeting.detached_at is None


def _detach(staff: Staff, meeting_id: int) -> tuple[str, str | None]:
    meeting = _my_meeting(staff, meeting_id)
    back = f"/admin/meetings/{meeting.id}"
    if not from_feed(meeting):
        return back, staff.words.t("dash.mf_not_from_feed", code=meeting.code)
    meeting.detached_at = staff.now
    staff.audit("meeting_detached", "meeting", meeting.id, feed_id=meeting.feed_id)
    return back, staff.words.t("dash.mf_detached", code=meeting.code)


def _set_runners(staff: Staff, meeting_id: int, fields: dict[str, str]) -> tuple[str, str | None]:
    """Admins choose which coordinators run a meeting (and so its group)."""
    if not may_assign_runners(staff.me):
        raise staff.forbid()
    meeting = _my_meeting(staff, meeting_id)
    added, removed, unassigned = [], [], []
    coordinators = staff.session.scalars(
        select(Coordinator).where(
            Coordinator.role == Role.COORDINATOR.value, Coordinator.removed_at.is_(None)
        )
    )
    for person in coordinators:
        wanted, has = fields.get(f"runner_{person.id}") == "on", meeting in person.meetings
        if wanted and not has:
            person.meetings.append(meeting)
            added.append(person.id)
        elif has and not wanted:
            person.meetings.remove(meeting)
            removed.append(person.id)
            if runs_every_group(person):
                unassigned.append(person.display_name)
    back = f"/admin/meetings/{meeting.id}"
    if not added and not removed:
        return back, staff.words.t("dash.mf_runners_same")
    staff.audit("meeting_runners_changed", "meeting", meeting.id, added=added, removed=removed)
    note = staff.words.t("dash.mf_runners_saved", code=meeting.code)
    if unassigned:
        note += " " + staff.words.t("dash.mf_runners_none_left", names=", ".join(unassigned))
    return back, note


def _set_active(staff: Staff, meeting_id: int, active: bool) -> tuple[str, str | None]:
    meeting = _my_meeting(staff, meeting_id)
    meeting.active = active
    staff.audit("meeting_resumed" if active else "meeting_paused", "meeting", meeting.id)
    key = "dash.mf_resumed" if active else "dash.mf_paused"
    return f"/admin/meetings/{meeting.id}", staff.words.t(key, code=meeting.code)


def _rotate(staff: Staff, meeting_id: int) -> tuple[str, str | None]:
    meeting = _my_meeting(staff, meeting_id)
    member, host = rotate_pins(meeting)
    staff.audit("meeting_pins_rotated", "meeting", meeting.id)
    return f"/admin/meetings/{meeting.id}", staff.words.t(
        "dash.mf_pins", code=meeting.code, member=member, host=host
    )


def _clear_pins(staff: Staff, meeting_id: int) -> tuple[str, str | None]:
    meeting = _my_meeting(staff, meeting_id)
    meeting.member_pin = meeting.host_pin = None
    staff.audit("meeting_pins_removed", "meeting", meeting.id)
    return f"/admin/meetings/{meeting.id}", staff.words.t("dash.mf_no_pins", code=meeting.code)


def _delete(staff: Staff, meeting_id: int, fields: dict[str, str]) -> tuple[str, str | None]:
    meeting = _my_meeting(staff, meeting_id)
    words, back = staff.words, f"/admin/meetings/{meeting_id}"
    if fields.get("sure") != "yes":
        return back, words.t("dash.mf_delete_unsure")
    for table in (Subscription, Room, Broadcast, Call, MeetingCancellation):
        column = table.meeting_id
        if staff.session.scalars(select(column).where(column == meeting_id).limit(1)).first():
            return back, words.t("dash.mf_delete_history", code=meeting.code)
    code = meeting.code
    staff.audit("meeting_deleted", "meeting", meeting.id, code=code)
    staff.session.delete(meeting)
    return "/admin/meetings", words.t("dash.mf_deleted", code=code)


async def meetings_page(request: Request) -> Response:
    q = request.query_params.get("q", "").strip()[:60]
    return await page(request, "meetings.html", lambda staff: _list(staff, q))


async def new_meeting_page(request: Request) -> Response:
    def load(staff: Staff) -> dict[str, Any]:
        _require_runner(staff)
        form = MeetingForm()
        groups = _my_groups(staff)
        form.group_id = str(groups[0].id) if len(groups) == 1 else ""
        return _form_page(staff, form, None)

    return await page(request, "meeting_form.html", load)


async def create_meeting(request: Request) -> Response:
    return await act(request, lambda staff, fields: _save(staff, fields, None))


def _id(request: Request) -> int:
    return int(request.path_params["meeting_id"])


async def meeting_page(request: Request) -> Response:
    meeting_id = _id(request)

    def load(staff: Staff) -> dict[str, Any]:
        meeting = _my_meeting(staff, meeting_id)
        return _form_page(staff, MeetingForm.of(meeting), meeting)

    return await page(request, "meeting_form.html", load)


async def update_meeting(request: Request) -> Response:
    meeting_id = _id(request)
    return await act(request, lambda staff, fields: _save(staff, fields, meeting_id))


async def pause(request: Request) -> Response:
    meeting_id = _id(request)
    return await act(request, lambda staff, _f: _set_active(staff, meeting_id, False))


async def resume(request: Request) -> Response:
    meeting_id = _id(request)
    return await act(request, lambda staff, _f: _set_active(staff, meeting_id, True))


async def new_pins(request: Request) -> Response:
    meeting_id = _id(request)
    return await act(request, lambda staff, _f: _rotate(staff, meeting_id))


async def no_pins(request: Request) -> Response:
    meeting_id = _id(request)
    return await act(request, lambda staff, _f: _clear_pins(staff, meeting_id))


async def detach(request: Request) -> Response:
    meeting_id = _id(request)
    return await act(request, lambda staff, _f: _detach(staff, meeting_id))


async def set_runners(request: Request) -> Response:
    meeting_id = _id(request)
    return await act(request, lambda staff, fields: _set_runners(staff, meeting_id, fields))


async def delete(request: Request) -> Response:
    meeting_id = _id(request)
    return await act(request, lambda staff, fields: _delete(staff, meeting_id, fields))


routes = [
    Route("/meetings", meetings_page),
    Route("/meetings", create_meeting, methods=["POST"]),
    Route("/meetings/new", new_meeting_page),
    Route(f"/meetings/{{meeting_id:{ID}}}", meeting_page),
    Route(f"/meetings/{{meeting_id:{ID}}}", update_meeting, methods=["POST"]),
    Route(f"/meetings/{{meeting_id:{ID}}}/pause", pause, methods=["POST"]),
    Route(f"/meetings/{{meeting_id:{ID}}}/resume", resume, methods=["POST"]),
    Route(f"/meetings/{{meeting_id:{ID}}}/pins", new_pins, methods=["POST"]),
    Route(f"/meetings/{{meeting_id:{ID}}}/no-pins", no_pins, methods=["POST"]),
    Route(f"/meetings/{{meeting_id:{ID}}}/delete", delete, methods=["POST"]),
    Route(f"/meetings/{{meeting_id:{ID}}}/detach", detach, methods=["POST"]),
    Route(f"/meetings/{{meeting_id:{ID}}}/runners", set_runners, methods=["POST"]),
]
