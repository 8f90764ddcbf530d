"""Staff commands by SMS: coordinators and responders take, call back and close cases, go on
call, broadcast to a meeting and cancel its next occurrence."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline import audit, oncall
from hotline.cases import close_case, take_case
from hotline.catalogs import catalog
from hotline.crisis.cases import ack_key
from hotline.flows.catalog import Catalog
from hotline.flows.names import NAME_LIMITS, fit_names
from hotline.flows.schedule import next_starts, texted_when, weekly_times
from hotline.flows.sending import held_by_quiet_hours, resume_label
from hotline.flows.sms.coordinator import (
    Ack,
    Broadcast,
    CallBack,
    CancelMeeting,
    Confirm,
    Done,
    SetOncall,
    Usage,
    occurrence_label,
    parse_command,
)
from hotline.logs import log
from hotline.meetings import get_meeting_by_code
from hotline.models import (
    CaseStatus,
    Contact,
    Coordinator,
    Meeting,
    MeetingCancellation,
    Priority,
    Subscription,
    SupportCase,
)
from hotline.outbox import queue_call, queue_sms
from hotline.phone_index import PHONE_FORMATS
from hotline.queues import get_redis
from hotline.settings import Settings
from hotline.staff import Role, can_close_others_cases, can_manage_meeting

logger = logging.getLogger(__name__)
CONFIRM_TTL_SECONDS = 600
EXPIRED_TTL_SECONDS = 86400


@dataclass(frozen=True)
class _Staff:
    """The coordinator who texted, and what a reply needs."""

    session: Session
    settings: Settings
    me: Coordinator
    words: Catalog
    now: dt.datetime


def handle_coordinator_sms(
    *, session: Session, settings: Settings, contact_id: int, body: str, now: dt.datetime
) -> str | None:
    """Answer a staff command from a coordinator's or responder's number; None if not one."""
    # Parsed first: most texts are not staff commands, and then need no staff lookup.
    command = parse_command(body)
    if command is None:
        return None
    me = session.scalars(
        select(Coordinator).where(
            Coordinator.contact_id == contact_id, Coordinator.removed_at.is_(None)
        )
    ).first()
    if me is None:
        return None
    contact = session.get(Contact, contact_id)
    words = catalog(contact.language if contact is not None else settings.default_language)
    staff = _Staff(session, settings, me, words, now)
    match command:
        case Ack(case_id):
            return _ack(staff, case_id)
        case Done(case_id):
            return _done(staff, case_id)
        case CallBack(case_id):
            return _call_back(staff, case_id)
        case SetOncall(on):
            return _set_oncall(staff, on)
        case Broadcast(code, text):
            return _broadcast(staff, code, text)
        case Confirm():
            return _confirm(staff)
        case CancelMeeting(code):
            return _cancel(staff, code)
        case Usage():
            return words.t("cases.usage")


# Cases --------------------------------------------------------------------------------------


def _ack(staff: _Staff, case_id: int) -> str:
    take_case(session=staff.session, case_id=case_id, coordinator_id=staff.me.id, now=staff.now)
    case = staff.session.get(SupportCase, case_id, populate_existing=True)
    return _holder_reply(staff, case, case_id) or staff.words.t(ack_key(case), case_id=case_id)


def _holder_reply(staff: _Staff, case: SupportCase | None, case_id: int) -> str | None:
    """Say why this coordinator cannot act on a case (missing, closed, someone else's)."""
    if case is None:
        return staff.words.t("cases.unknown_case", case_id=case_id)
    if case.status == CaseStatus.CLOSED.value:
        return staff.words.t("cases.closed", case_id=case_id)
    if case.acked_by_id is not None and case.acked_by_id != staff.me.id:
        return staff.words.t("cases.ack_taken", case_id=case_id, name=_name(staff, case))
    return None


def _name(staff: _Staff, case: SupportCase) -> str:
    holder = staff.session.get(Coordinator, case.acked_by_id) if case.acked_by_id else None
    return holder.display_name if holder is not None else "?"


def _done(staff: _Staff, case_id: int) -> str:
    case = staff.session.get(SupportCase, case_id, with_for_update=True, populate_existing=True)
    if case is None or case.status == CaseStatus.CLOSED.value:
        return _holder_reply(staff, case, case_id) or ""
    held_by_another = case.acked_by_id not in (None, staff.me.id)
    if held_by_another and not can_close_others_cases(staff.me):
        return staff.words.t("cases.not_yours", case_id=case_id, name=_name(staff, case))
    close_case(session=staff.session, case=case, coordinator_id=staff.me.id, now=staff.now)
    return staff.words.t("cases.done", case_id=case_id)


def _call_back(staff: _Staff, case_id: int) -> str | None:
    if staff.session.get(SupportCase, case_id) is None and _is_meeting_code(staff, case_id):
        return None  # "CALL 4821" from a coordinator's own phone: joining a meeting, not a case
    # Calling back an open case takes it: the caller is acting on it, so paging should stop.
    take_case(session=staff.session, case_id=case_id, coordinator_id=staff.me.id, now=staff.now)
    case = staff.session.get(SupportCase, case_id, populate_existing=True)
    refusal = _holder_reply(staff, case, case_id)
    if case is None or refusal is not None:
        return refusal or ""
    member = staff.session.get(Contact, case.contact_id)
    if member is None or member.invalid_at is not None:
        return staff.words.t("cases.cannot_call", case_id=case_id)
    queue_call(
        session=staff.session,
        contact_id=staff.me.contact_id,
        call_path=f"outbound/bridge/{case.id}",
        purpose="bridge",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,
    )
    _audit(staff, "callback_requested", "case", case.id)
    return staff.words.t("cases.calling", case_id=case_id)


def _is_meeting_code(staff: _Staff, number: int) -> bool:
    found = get_meeting_by_code(session=staff.session, code=str(number), active_only=False)
    return found is not None


def _set_oncall(staff: _Staff, on: bool) -> str:
    oncall.set_oncall(session=staff.session, staff=staff.me, on=on, now=staff.now)
    log(logger, "oncall_on" if on else "oncall_off", coordinator_id=staff.me.id)
    if on:
        return staff.words.t("cases.oncall_on", tier=staff.me.tier)
    others = oncall.on_call(session=staff.session, now=staff.now)
    return staff.words.t("cases.oncall_off" if others else "cases.oncall_off_nobody")


def _audit(
    staff: _Staff, action: str, subject_type: str, subject_id: int, **detail: object
) -> None:
    audit.record(
        session=staff.session,
        actor=f"coordinator:{staff.me.id}",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        **detail,
    )
    log(logger, action, coordinator_id=staff.me.id, subject_id=subject_id)


# Meetings -----------------------------------------------------------------------------------


def _my_meeting(staff: _Staff, code: str) -> Meeting | str:
    """Return the meeting this coordinator may act on, or the reply explaining why not."""
    if staff.me.role not in (Role.COORDINATOR, Role.ADMIN):
        return staff.words.t("cases.coordinators_only")
    meeting = get_meeting_by_code(session=staff.session, code=code)
    if meeting is None:
        return staff.words.t("cases.no_meeting", code=code)
    if not can_manage_meeting(staff.me, meeting):
        return staff.words.t("cases.not_your_meeting", code=code)
    return meeting


def _members(session: Session, meeting_id: int) -> Sequence[Contact]:
    """Return the contacts with an active subscription who can and may be texted."""
    statement = (
        select(Contact)
        .join(Subscription, Subscription.contact_id == Contact.id)
        .where(
            Subscription.meeting_id == meeting_id,
            Subscription.ended_at.is_(None),
            Contact.opted_out_at.is_(None),
            Contact.invalid_at.is_(None),
            Contact.can_sms.is_(True),
        )
        .order_by(Contact.id)
    )
    return session.scalars(statement).all()


def _pending_key(contact_id: int) -> str:
    return f"hotline:staff:{contact_id}:broadcast"


def _expired_key(contact_id: int) -> str:
    return f"hotline:staff:{contact_id}:broadcast-expired"


def _broadcast(staff: _Staff, code: str, text: str) -> str:
    meeting = _my_meeting(staff, code)
    if isinstance(meeting, str):
        return meeting
    if not text:
        return staff.words.t("cases.broadcast_empty", code=code)
    count = len(_members(staff.session, meeting.id))
    if not count:
        return staff.words.t("cases.broadcast_nobody", code=code)
    pending = json.dumps({"meeting_id": meeting.id, "code": code, "body": text, "count": count})
    try:
        redis = get_redis()
        redis.set(_pending_key(staff.me.contact_id), pending, ex=CONFIRM_TTL_SECONDS)
        redis.set(_expired_key(staff.me.contact_id), code, ex=EXPIRED_TTL_SECONDS)
    except RedisError as exc:
        log(logger, "broadcast_pending_failed", logging.WARNING, error=type(exc).__name__)
        return staff.words.t("cases.unavailable")
    _audit(staff, "broadcast_requested", "meeting", meeting.id, recipients=count)
    return staff.words.t("cases.broadcast_confirm", count=count, code=code)


def _take_pending(contact_id: int) -> tuple[dict[str, object] | None, str | None]:
    """Pop this coordinator's pending broadcast (once), or the code of one that expired."""
    with get_redis().pipeline(transaction=True) as pipe:
        pipe.get(_pending_key(contact_id))
        pipe.get(_expired_key(contact_id))
        pipe.delete(_pending_key(contact_id), _expired_key(contact_id))
        raw, expired, _ = pipe.execute()
    if raw is not None:
        return json.loads(raw), None
    return None, expired.decode() if expired is not None else None


def _confirm(staff: _Staff) -> str | None:
    try:
        pending, expired = _take_pending(staff.me.contact_id)
    except RedisError as exc:
        log(logger, "broadcast_confirm_failed", logging.WARNING, error=type(exc).__name__)
        return None
    if pending is None:
        # A plain YES (opting back in, say) belongs to the member flow.
        return staff.words.t("cases.broadcast_expired", code=expired) if expired else None
    # Imported here: the broadcast job belongs to the outbound pipeline.
    from hotline.jobs.broadcast import (  # type: ignore[import-not-found,unused-ignore]
        confirm_broadcast,
        prepare_broadcast,
    )

    meeting_id, body = int(str(pending["meeting_id"])), str(pending["body"])
    broadcast = prepare_broadcast(
        session=staff.session, coordinator_id=staff.me.id, meeting_id=meeting_id, body=body
    )
    confirm_broadcast(session=staff.session, broadcast_id=broadcast.id)
    _audit(staff, "broadcast_confirmed", "broadcast", broadcast.id, meeting_id=meeting_id)
    count = broadcast.recipients or pending["count"]
    reply = staff.words.t("cases.broadcast_sending", count=count, code=pending["code"])
    meeting = staff.session.get(Meeting, meeting_id)
    assert meeting is not None
    return reply + _quiet_note(staff, meeting, _members(staff.session, meeting_id))


def _quiet_note(staff: _Staff, meeting: Meeting, members: Sequence[Contact]) -> str:
    """Say when texts quiet hours hold will go out (" 12 will be texted from 8:00am …")."""
    window = staff.settings.quiet_hours
    zones = [member.time_zone or meeting.time_zone for member in members]
    held, _ = held_by_quiet_hours(staff.now, zones, window)
    if not held:
        return ""
    resume = resume_label(window, staff.words.language)
    return staff.words.t("cases.quiet_note", held=held, resume=resume)


def _cancel(staff: _Staff, code: str) -> str:
    meeting = _my_meeting(staff, code)
    if isinstance(meeting, str):
        return meeting
    start, members = cancel_next_occurrence(
        session=staff.session, meeting=meeting, coordinator_id=staff.me.id, now=staff.now
    )
    date = occurrence_label(start, meeting.time_zone, staff.words.language)
    if members is None:
        return staff.words.t("cases.already_cancelled", code=code, date=date)
    log(logger, "meeting_cancelled", coordinator_id=staff.me.id, subject_id=meeting.id)
    reply = staff.words.t("cases.cancelled", code=code, date=date, count=len(members))
    return reply + _quiet_note(staff, meeting, members)


def cancel_next_occurrence(
    *, session: Session, meeting: Meeting, coordinator_id: int, now: dt.datetime, via: str = "sms"
) -> tuple[dt.datetime, Sequence[Contact] | None]:
    """Cancel the meeting's very next occurrence and text its members the automatic notice.

    Return its start and the members told; None when it was already cancelled.
    """
    cancelled = set(
        session.scalars(
            select(MeetingCancellation.occurs_on).where(
                MeetingCancellation.meeting_id == meeting.id
            )
        )
    )
    # The very next occurrence, cancelled or not: a repeated CANCEL must not cancel next week too.
    start = _next_start(meeting, now)
    occurs_on = start.astimezone(ZoneInfo(meeting.time_zone)).date()
    if occurs_on in cancelled or not _add_cancellation(session, meeting.id, occurs_on):
        return start, None
    following = _next_start(meeting, start, cancelled | {occurs_on})
    members = _members(session, meeting.id)
    for member in members:
        _tell_cancelled(session, meeting, member, start, following, occurs_on)
    audit.record(
        session=session,
        actor=f"coordinator:{coordinator_id}",
        action="meeting_cancelled",
        subject_type="meeting",
        subject_id=meeting.id,
        occurs_on=occurs_on.isoformat(),
        told=len(members),
        **({"via": via} if via != "sms" else {}),
    )
    return start, members


def _next_start(
    meeting: Meeting, after: dt.datetime, cancelled: set[dt.date] | None = None
) -> dt.datetime:
    (start,) = next_starts(
        times=weekly_times(meeting),
        time_zone=meeting.time_zone,
        after=after,
        cancelled=cancelled or set(),
    )
    return start


def _add_cancellation(session: Session, meeting_id: int, occurs_on: dt.date) -> bool:
    try:
        with session.begin_nested():
            session.add(MeetingCancellation(meeting_id=meeting_id, occurs_on=occurs_on))
    except IntegrityError:
        return False  # another coordinator cancelled it a moment ago
    return True


def _tell_cancelled(
    session: Session,
    meeting: Meeting,
    member: Contact,
    start: dt.datetime,
    following: dt.datetime,
    occurs_on: dt.date,
) -> None:
    language = member.language
    words = catalog(language)
    # A phone meeting is told in the member's zone, an in-person one in its own (both named
    # when the member's clock differs), as FIND and reminders tell them.
    told = partial(
        texted_when,
        zone=meeting.time_zone,
        language=language,
        by_phone=meeting.format in PHONE_FORMATS,
        viewer_zone=member.time_zone,
        label_for=occurrence_label,
    )
    date, next_label = told(start), told(following)
    body = fit_names(
        lambda style: words.t(
            "cases.member_cancelled",
            name=style(meeting.name, meeting.code),
            code=meeting.code,
            date=date,
            next=next_label,
        ),
        words,
        segments=1,
        limits=NAME_LIMITS,
    )
    queue_sms(
        session=session,
        contact_id=member.id,
        body=body,
        purpose="cancel",
        priority=Priority.DEFAULT,
        dedupe_key=f"cancel:{meeting.id}:{occurs_on.isoformat()}:{member.id}",
    )
