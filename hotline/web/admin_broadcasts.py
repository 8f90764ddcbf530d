"""/admin/broadcasts: compose to a meeting or a group, preview, confirm or schedule, progress;
and cancel a meeting's next occurrence with the automatic notice (as `CANCEL 4821` does).

The counting, pricing, fan-out and cancelling are the SMS commands' and the CLI's own
(hotline/jobs/broadcast.py, hotline/sms/coordinator.py); this module only asks and shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.flows.digits import as_int
from hotline.flows.segments import count_segments, first_ucs2_character, gsm7_alphabet
from hotline.flows.sms.coordinator import occurrence_label
from hotline.jobs.broadcast import (
    body_for,
    cancel_broadcast,
    confirm_broadcast,
    estimate_cost,
    prepare_broadcast,
    price_per_segment,
    recipient_languages,
    schedule_broadcast,
)
from hotline.models import Broadcast, Group, Meeting, Subscription
from hotline.sms.coordinator import cancel_next_occurrence
from hotline.web.admin_access import (
    can_manage_group,
    can_manage_meeting,
    is_admin,
    my_meetings,
    runs_meetings,
)
from hotline.web.admin_overview import recent_broadcasts
from hotline.web.admin_pages import Staff, act, form_int, fragment, page
from hotline.web.ids import ID

BODY_MAX = 1600


@dataclass(frozen=True)
class Target:
    value: str  # "m:<meeting id>" or "g:<group id>"
    label: str
    members: int


@dataclass(frozen=True)
class Version:
    language: str
    text: str
    encoding: str
    units: int
    segments: int
    forced_by: str | None
    recipients: int
    counter: str


def _require_runner(staff: Staff) -> None:
    if not runs_meetings(staff.me):
        raise staff.forbid()


def _members_by_meeting(staff: Staff) -> dict[int, int]:
    statement = (
        select(Subscription.meeting_id, func.count())
        .where(Subscription.ended_at.is_(None))
        .group_by(Subscription.meeting_id)
    )
    return {meeting_id: int(count) for meeting_id, count in staff.session.execute(statement)}


def _targets(staff: Staff) -> list[Target]:
    members = _members_by_meeting(staff)
    meetings = list(
        staff.session.scalars(select(Meeting).where(my_meetings(staff.me)).order_by(Meeting.code))
    )
    targets = [Target(f"m:{m.id}", f"#{m.code} {m.name}", members.get(m.id, 0)) for m in meetings]
    by_group: dict[int, int] = {}
    for meeting in meetings:
        by_group[meeting.group_id] = by_group.get(meeting.group_id, 0) + members.get(meeting.id, 0)
    groups = staff.session.scalars(select(Group).where(Group.id.in_(by_group)).order_by(Group.name))
    targets += [
        Target(f"g:{g.id}", staff.words.t("dash.bc_whole_group", name=g.name), by_group[g.id])
        for g in groups
        if can_manage_group(me=staff.me, group_id=g.id)
    ]
    return targets


def _mine(staff: Staff) -> ColumnElement[bool]:
    """The broadcasts this staff member may see: those to meetings and groups they run."""
    return or_(
        Broadcast.meeting_id.in_(select(Meeting.id).where(my_meetings(staff.me))),
        Broadcast.group_id.in_(select(Meeting.group_id).where(my_meetings(staff.me))),
    )


def _compose(staff: Staff) -> dict[str, Any]:
    _require_runner(staff)
    return {
        "targets": _targets(staff),
        "meetings": [
            (m.id, f"#{m.code} {m.name}")
            for m in staff.session.scalars(
                select(Meeting)
                .where(my_meetings(staff.me), Meeting.active.is_(True))
                .order_by(Meeting.code)
            )
        ],
        "price": price_per_segment(),
        "gsm7": gsm7_alphabet(),
        "body_max": BODY_MAX,
        **_list(staff),
    }


def _list(staff: Staff) -> dict[str, Any]:
    _require_runner(staff)
    rows = recent_broadcasts(session=staff.session, now=staff.now, where=_mine(staff))
    return {"overview": {"broadcasts": rows}}


def _my_broadcast(staff: Staff, broadcast_id: int) -> Broadcast:
    _require_runner(staff)
    broadcast = staff.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise staff.missing()
    if broadcast.meeting_id is not None:
        allowed = can_manage_meeting(
            session=staff.session, me=staff.me, meeting_id=broadcast.meeting_id
        )
    elif broadcast.group_id is not None:
        allowed = can_manage_group(me=staff.me, group_id=broadcast.group_id)
    else:
        allowed = is_admin(staff.me)
    if not allowed:
        raise staff.forbid()
    return broadcast


def _versions(staff: Staff, broadcast: Broadcast) -> list[Version]:
    languages = recipient_languages(session=staff.session, broadcast=broadcast)
    spanish = languages.get("es", 0) if broadcast.body_es else 0
    versions = []
    for language, recipients in (("en", broadcast.recipients - spanish), ("es", spanish)):
        if language == "es" and not broadcast.body_es:
            continue
        text = body_for(broadcast, language)
        counted, forced_by = count_segments(text), first_ucs2_character(text)
        counter = staff.words.t(
            "dash.bc_counter_ucs" if forced_by else "dash.bc_counter_gsm",
            chars=counted.units,
            segments=counted.segments,
            char=forced_by or "",
        )
        versions.append(
            Version(
                language,
                text,
                counted.encoding,
                counted.units,
                counted.segments,
                forced_by,
                recipients,
                counter,
            )
        )
    return versions


def _target_label(staff: Staff, broadcast: Broadcast) -> str:
    if broadcast.meeting_id is not None:
        meeting = staff.session.get(Meeting, broadcast.meeting_id)
        return f"#{meeting.code} {meeting.name}" if meeting else "?"
    group = staff.session.get(Group, broadcast.group_id) if broadcast.group_id else None
    return staff.words.t("dash.bc_whole_group", name=group.name) if group else "?"


def _detail(staff: Staff, broadcast_id: int) -> dict[str, Any]:
    broadcast = _my_broadcast(staff, broadcast_id)
    rows = recent_broadcasts(
        session=staff.session, now=staff.now, where=Broadcast.id == broadcast.id
    )
    return {
        "broadcast": broadcast,
        "target": _target_label(staff, broadcast),
        "versions": _versions(staff, broadcast),
        "cost": estimate_cost(broadcast),
        "send_at": staff.when(broadcast.send_at),
        "overview": {"broadcasts": rows},
    }


def _parse_target(staff: Staff, value: str) -> tuple[int | None, int | None]:
    kind, _, number = value.partition(":")
    target_id = as_int(number, max_digits=8)
    if target_id is None or kind not in ("m", "g"):
        return None, None
    if kind == "m":
        if not can_manage_meeting(session=staff.session, me=staff.me, meeting_id=target_id):
            raise staff.forbid()
        return target_id, None
    if staff.session.get(Group, target_id) is None or not can_manage_group(
        me=staff.me, group_id=target_id
    ):
        raise staff.forbid()
    return None, target_id


def _send_at(staff: Staff, value: str) -> dt.datetime | str | None:
    """The chosen local time as UTC; None for "now"; the note's key when it is unusable."""
    if not value.strip():
        return None
    try:
        local = dt.datetime.fromisoformat(value.strip()[:16])
    except ValueError:
        return "dash.bc_bad_time"
    at = local.replace(tzinfo=staff.zone).astimezone(dt.UTC)
    return at if at > staff.now + dt.timedelta(minutes=1) else "dash.bc_past_time"


def _preview(staff: Staff, fields: dict[str, str]) -> tuple[str, str | None]:
    _require_runner(staff)
    words = staff.words
    meeting_id, group_id = _parse_target(staff, fields.get("target", ""))
    body = fields.get("body", "").replace("\x00", "").strip()
    body_es = fields.get("body_es", "").replace("\x00", "").strip()
    if meeting_id is None and group_id is None:
        return "/admin/broadcasts", words.t("dash.bc_no_target")
    if not body or len(body) > BODY_MAX or len(body_es) > BODY_MAX:
        return "/admin/broadcasts", words.t("dash.bc_bad_body", limit=BODY_MAX)
    send_at = _send_at(staff, fields.get("send_at", ""))
    if isinstance(send_at, str):
        return "/admin/broadcasts", words.t(send_at)
    broadcast = prepare_broadcast(
        session=staff.session,
        coordinator_id=staff.me.id,
        meeting_id=meeting_id,
        group_id=group_id,
        body=body,
        body_es=body_es or None,
    )
    if broadcast.recipients == 0:
        broadcast.status = "cancelled"
        return "/admin/broadcasts", words.t("dash.bc_nobody")
    broadcast.send_at = send_at
    staff.audit("broadcast_requested", "broadcast", broadcast.id, recipients=broadcast.recipients)
    return f"/admin/broadcasts/{broadcast.id}", None


def _confirm(staff: Staff, broadcast_id: int) -> tuple[str, str | None]:
    broadcast = _my_broadcast(staff, broadcast_id)
    back, words = f"/admin/broadcasts/{broadcast_id}", staff.words
    if broadcast.status != "pending":
        return back, words.t("dash.bc_not_pending")
    if broadcast.send_at is not None:
        schedule_broadcast(
            session=staff.session, broadcast_id=broadcast_id, send_at=broadcast.send_at
        )
        staff.audit("broadcast_scheduled", "broadcast", broadcast.id)
        return back, words.t("dash.bc_scheduled", when=staff.when(broadcast.send_at))
    confirm_broadcast(session=staff.session, broadcast_id=broadcast_id)
    staff.audit("broadcast_confirmed", "broadcast", broadcast.id)
    return back, words.t("dash.bc_sending", count=broadcast.recipients)


def _cancel(staff: Staff, broadcast_id: int) -> tuple[str, str | None]:
    broadcast = _my_broadcast(staff, broadcast_id)
    if not cancel_broadcast(session=staff.session, broadcast_id=broadcast_id):
        return f"/admin/broadcasts/{broadcast_id}", staff.words.t("dash.bc_too_late")
    staff.audit("broadcast_cancelled", "broadcast", broadcast.id)
    return "/admin/broadcasts", staff.words.t("dash.bc_cancelled", broadcast_id=broadcast_id)


def _cancel_meeting(staff: Staff, fields: dict[str, str]) -> tuple[str, str | None]:
    _require_runner(staff)
    words = staff.words
    meeting_id = form_int(fields, "meeting")
    if meeting_id is None or fields.get("sure") != "yes":
        return "/admin/broadcasts", words.t("dash.bc_cancel_unsure")
    if not can_manage_meeting(session=staff.session, me=staff.me, meeting_id=meeting_id):
        raise staff.forbid()
    meeting = staff.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.active:
        raise staff.missing()
    start, members = cancel_next_occurrence(
        session=staff.session,
        meeting=meeting,
        coordinator_id=staff.me.id,
        now=staff.now,
        via="dashboard",
    )
    date = occurrence_label(start, meeting.time_zone, words.language)
    if members is None:
        return "/admin/broadcasts", words.t(
            "dash.bc_already_cancelled", code=meeting.code, date=date
        )
    return "/admin/broadcasts", words.t(
        "dash.bc_meeting_cancelled", code=meeting.code, date=date, count=len(members)
    )


async def broadcasts_page(request: Request) -> Response:
    return await page(request, "broadcasts.html", _compose)


async def broadcasts_rows(request: Request) -> Response:
    return await fragment(request, "broadcast_table.html", _list)


async def preview(request: Request) -> Response:
    return await act(request, _preview)


async def broadcast_page(request: Request) -> Response:
    broadcast_id = int(request.path_params["broadcast_id"])
    return await page(request, "broadcast.html", lambda staff: _detail(staff, broadcast_id))


async def broadcast_progress(request: Request) -> Response:
    broadcast_id = int(request.path_params["broadcast_id"])
    return await fragment(
        request, "broadcast_table.html", lambda staff: _detail(staff, broadcast_id)
    )


async def confirm(request: Request) -> Response:
    broadcast_id = int(request.path_params["broadcast_id"])
    return await act(request, lambda staff, _fields: _confirm(staff, broadcast_id))


async def cancel(request: Request) -> Response:
    broadcast_id = int(request.path_params["broadcast_id"])
    return await act(request, lambda staff, _fields: _cancel(staff, broadcast_id))


async def cancel_meeting(request: Request) -> Response:
    return await act(request, _cancel_meeting)


routes = [
    Route("/broadcasts", broadcasts_page),
    Route("/broadcasts", preview, methods=["POST"]),
    Route("/broadcasts/rows", broadcasts_rows),
    Route("/broadcasts/cancel-meeting", cancel_meeting, methods=["POST"]),
    Route(f"/broadcasts/{{broadcast_id:{ID}}}", broadcast_page),
    Route(f"/broadcasts/{{broadcast_id:{ID}}}/progress", broadcast_progress),
    Route(f"/broadcasts/{{broadcast_id:{ID}}}/confirm", confirm, methods=["POST"]),
    Route(f"/broadcasts/{{broadcast_id:{ID}}}/cancel", cancel, methods=["POST"]),
]
