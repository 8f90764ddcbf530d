"""/admin/cases: open and recent support cases, each case's trail, and private staff notes.

A case is shown by its id, kind, level, tier and times, and by the staff who handled it: never
the member's number, name or words. Notes are staff's own words about the case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.cases import level_word
from hotline.flows.digits import is_number
from hotline.models import (
    ACTIVE_CASE_STATUSES,
    AuditEvent,
    CaseNote,
    CaseStatus,
    Coordinator,
    SupportCase,
)
from hotline.web.admin_access import can_close_others_cases, can_handle_cases
from hotline.web.admin_pages import Staff, act, fragment, page
from hotline.web.ids import ID

RECENT_DAYS = 7
RECENT_LIMIT = 50
NOTE_MAX = 2000


@dataclass(frozen=True)
class CaseRow:
    id: int
    kind: str
    level: str
    level_key: str
    tier: int
    status: str
    status_key: str
    age_minutes: int
    opened: str
    acked_by: str | None
    acked: str
    needs_review: bool
    can_ack: bool
    can_close: bool


@dataclass(frozen=True)
class TrailItem:
    at: str
    who: str
    what: str


@dataclass(frozen=True)
class NoteRow:
    at: str
    who: str
    body: str


def _names(staff: Staff, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = staff.session.execute(
        select(Coordinator.id, Coordinator.display_name).where(Coordinator.id.in_(set(ids)))
    )
    return {row_id: name for row_id, name in rows}


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _may_close(me: Coordinator, case: SupportCase) -> bool:
    return case.acked_by_id in (None, me.id) or can_close_others_cases(me)


def _row(staff: Staff, case: SupportCase, names: dict[int, str]) -> CaseRow:
    words = staff.words
    return CaseRow(
        id=case.id,
        kind=words.t(f"dash.kind.{case.kind}")
        if words.has(f"dash.kind.{case.kind}")
        else case.kind,
        level=level_word(language=words.language, level=case.level),
        level_key=case.level,
        tier=case.tier,
        status=words.t(f"dash.status.{case.status}"),
        status_key=case.status,
        age_minutes=max(0, int((staff.now - _aware(case.opened_at)).total_seconds() // 60)),
        opened=staff.when(case.opened_at),
        acked_by=names.get(case.acked_by_id) if case.acked_by_id else None,
        acked=staff.when(case.acked_at),
        needs_review=case.needs_review,
        can_ack=case.status == CaseStatus.OPEN.value,
        can_close=case.status != CaseStatus.CLOSED.value and _may_close(staff.me, case),
    )


def _rows(staff: Staff, cases: list[SupportCase]) -> list[CaseRow]:
    names = _names(staff, [case.acked_by_id for case in cases if case.acked_by_id])
    return [_row(staff, case, names) for case in cases]


def _lists(staff: Staff) -> dict[str, Any]:
    if not can_handle_cases(staff.me):
        raise staff.forbid()
    active = staff.session.scalars(
        select(SupportCase)
        .where(SupportCase.status.in_(ACTIVE_CASE_STATUSES))
        .order_by(SupportCase.opened_at)
    )
    since = staff.now - dt.timedelta(days=RECENT_DAYS)
    recent = staff.session.scalars(
        select(SupportCase)
        .where(SupportCase.status == CaseStatus.CLOSED.value, SupportCase.closed_at >= since)
        .order_by(SupportCase.closed_at.desc())
        .limit(RECENT_LIMIT)
    )
    return {"active": _rows(staff, list(active)), "recent": _rows(staff, list(recent))}


def _trail_text(staff: Staff, event: AuditEvent, names: dict[int, str]) -> str:
    detail = event.detail or {}
    words = staff.words
    paged = [names.get(int(i), "?") for i in detail.get("coordinator_ids", []) if is_number(str(i))]
    values = {
        "tier": detail.get("tier", ""),
        "step": detail.get("step", ""),
        "names": ", ".join(paged) or words.t("dash.nobody"),
        "old": level_word(language=words.language, level=str(detail.get("old", ""))),
        "new": level_word(language=words.language, level=str(detail.get("new", ""))),
        "source": detail.get("source", ""),
    }
    key = f"dash.trail.{event.action}"
    text = words.t(key, **values) if words.has(key) else event.action
    if event.action == "escalated" and detail.get("call"):
        text += " " + words.t("dash.trail.with_call")
    return text


def _who(staff: Staff, actor: str, names: dict[int, str]) -> str:
    kind, _, number = actor.partition(":")
    if kind == "coordinator" and is_number(number):
        return names.get(int(number), "?")
    return staff.words.t("dash.actor.member" if kind == "contact" else "dash.actor.system")


def _staff_ids(events: list[AuditEvent], notes: list[CaseNote]) -> list[int]:
    ids = [note.coordinator_id for note in notes]
    for event in events:
        kind, _, number = event.actor.partition(":")
        if kind == "coordinator" and is_number(number):
            ids.append(int(number))
        ids += [
            int(i) for i in (event.detail or {}).get("coordinator_ids", []) if is_number(str(i))
        ]
    return ids


def _detail(staff: Staff, case_id: int) -> dict[str, Any]:
    if not can_handle_cases(staff.me):
        raise staff.forbid()
    case = staff.session.get(SupportCase, case_id)
    if case is None:
        raise staff.missing()
    events = list(
        staff.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "case", AuditEvent.subject_id == case_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
    notes = list(
        staff.session.scalars(
            select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)
        )
    )
    names = _names(staff, [*_staff_ids(events, notes), case.acked_by_id or 0])
    return {
        "case": _row(staff, case, names),
        "source": case.source,
        "closed": staff.when(case.closed_at),
        "trail": [
            TrailItem(staff.when(e.at), _who(staff, e.actor, names), _trail_text(staff, e, names))
            for e in events
        ],
        "notes": [
            NoteRow(staff.when(n.created_at), names.get(n.coordinator_id, "?"), n.body)
            for n in notes
        ],
        "note_max": NOTE_MAX,
    }


def _add_note(staff: Staff, case_id: int, fields: dict[str, str]) -> tuple[str, str | None]:
    if not can_handle_cases(staff.me):
        raise staff.forbid()
    back = f"/admin/cases/{case_id}"
    if staff.session.get(SupportCase, case_id) is None:
        raise staff.missing()
    body = fields.get("body", "").replace("\x00", "").strip()[:NOTE_MAX]
    if not body:
        return back, staff.words.t("dash.note_empty")
    note = CaseNote(case_id=case_id, coordinator_id=staff.me.id, body=body)
    staff.session.add(note)
    staff.session.flush()
    staff.audit("case_note_added", "case", case_id, note_id=note.id)
    return back, staff.words.t("dash.note_added")


async def cases_page(request: Request) -> Response:
    return await page(request, "cases.html", _lists)


async def cases_rows(request: Request) -> Response:
    return await fragment(request, "cases_rows.html", _lists)


async def case_page(request: Request) -> Response:
    case_id = int(request.path_params["case_id"])
    return await page(request, "case.html", lambda staff: _detail(staff, case_id))


async def add_note(request: Request) -> Response:
    case_id = int(request.path_params["case_id"])
    return await act(request, lambda staff, fields: _add_note(staff, case_id, fields))


routes = [
    Route("/cases", cases_page),
    Route("/cases/rows", cases_rows),
    Route(f"/cases/{{case_id:{ID}}}", case_page),
    Route(f"/cases/{{case_id:{ID}}}/notes", add_note, methods=["POST"]),
]
