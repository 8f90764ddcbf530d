"""The warm line by voice: the caller's queue, the volunteers' legs, and what happens after.

Caller: press 2 → `<Enqueue>` in a queue of their own → each wait-URL fetch runs one tick of
hotline/flows/warm/line.py (ring volunteers through the outbox, hold message, or voicemail).
Volunteer: an outbound call (an outbox row first) → "press 1 to take the call" → the first 1
wins one conditional UPDATE → `<Dial><Queue>` bridges them; the others' legs are ended.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from hotline import audit, clock
from hotline.bounded import record_within_budget
from hotline.catalogs import catalog
from hotline.contacts import get_contact_by_phone
from hotline.db import session_scope
from hotline.flows.crisis.cues import Danger
from hotline.flows.warm import line as flow
from hotline.jobs.names import END_LEGS_JOB
from hotline.logs import log
from hotline.models import Contact, Coordinator, OutboxMessage, OutboxStatus, Priority, WarmCall
from hotline.outbox import aware, enqueue_ids, insert_new, queue_call, sms_values
from hotline.phones import PhoneError, normalise, vault_for
from hotline.queues import enqueue_after_commit
from hotline.settings import Settings
from hotline.voice.lookups import open_crisis_case
from hotline.voice.twiml import crisis_dial
from hotline.warm import twiml, volunteers

logger = logging.getLogger(__name__)


def leg_path(entry_id: int) -> str:
    return f"outbound/warm/{entry_id}"


# The caller ---------------------------------------------------------------------------------


def enter(
    *, session: Session, contact_id: int, call_sid: str, language: str, now: dt.datetime
) -> WarmCall:
    """Put a caller in the queue (once per call: a repeated webhook finds the same entry)."""
    entry = session.scalars(select(WarmCall).where(WarmCall.call_sid == call_sid)).first()
    if entry is None:
        entry = WarmCall(
            call_sid=call_sid, contact_id=contact_id, language=language, entered_at=now, rung=[]
        )
        session.add(entry)
        session.flush()
        log(logger, "warm_entered", entry_id=entry.id, call_sid=call_sid)
    return entry


def answer_wait(settings: Settings, entry_id: int) -> str:
    """One wait-URL fetch: ring who the flow says, then the hold message, or leave for voicemail."""
    now = clock.now()
    with session_scope() as session:
        entry = session.get(WarmCall, entry_id, with_for_update=True)
        if entry is None:
            return twiml.leave()
        hold = flow.on_hold(
            _waiting(entry),
            volunteers=volunteers.queue_view(session=session, now=now),
            rules=settings.warm,
            now=now,
        )
        if hold.voicemail:
            entry.status = flow.VOICEMAIL
            log(logger, "warm_no_answer", entry_id=entry.id)
        if hold.leave:
            return twiml.leave()
        _ring(session, entry, hold.ring, now)
        _ask_for_help(session, settings, now)
        return twiml.hold(settings, entry.id, entry.language, pause=hold.pause)


def _waiting(entry: WarmCall) -> flow.Waiting:
    return flow.Waiting(
        id=entry.id,
        language=entry.language,
        entered_at=aware(entry.entered_at),
        rung=tuple(entry.rung or ()),
        last_ring_at=aware(entry.last_ring_at) if entry.last_ring_at else None,
        status=entry.status,
    )


def _ring(session: Session, entry: WarmCall, staff_ids: tuple[int, ...], now: dt.datetime) -> None:
    """Ring volunteers from the line's number: an outbox call each, never twice per caller."""
    if not staff_ids:
        return
    for staff in session.scalars(select(Coordinator).where(Coordinator.id.in_(staff_ids))):
        queue_call(
            session=session,
            contact_id=staff.contact_id,
            call_path=leg_path(entry.id),
            purpose="warm",
            priority=Priority.URGENT,
            dedupe_key=f"warm:{entry.id}:{staff.id}",
            ignore_quiet_hours=True,
        )
    entry.rung = [*(entry.rung or ()), *staff_ids]
    entry.last_ring_at = now
    log(logger, "warm_ringing", entry_id=entry.id, volunteers=len(staff_ids))


def _ask_for_help(session: Session, settings: Settings, now: dt.datetime) -> None:
    """A long queue asks on-call responders to help, at most once an hour each."""
    waiting = session.scalar(
        select(func.count()).select_from(WarmCall).where(WarmCall.status == flow.WAITING)
    )
    if not flow.surge(waiting=int(waiting or 0), rules=settings.warm):
        return
    rows = []
    for person in volunteers.surge_helpers(session=session, now=now):
        contact = session.get(Contact, person.contact_id)
        words = catalog(contact.language if contact is not None else settings.default_language)
        body = words.t("warm.staff.surge", count=waiting, minutes=settings.warm.surge_help_minutes)
        key = f"surge:{person.id}:{now:%Y%m%d%H}"
        rows.append(
            sms_values(
                contact_id=person.contact_id,
                body=body,
                purpose="alert",
                priority=Priority.URGENT,
                dedupe_key=key,
                ignore_quiet_hours=True,
            )
        )
    ids = insert_new(session=session, rows=rows)
    enqueue_ids(session, ids, Priority.URGENT.value)
    if ids:
        log(logger, "warm_surge", waiting=waiting, asked=len(ids))


def answer_key(settings: Settings, entry_id: int, digits: str) -> str:
    """A key pressed while holding: 9 leaves the queue for the crisis line."""
    with session_scope() as session:
        entry = session.get(WarmCall, entry_id, with_for_update=True)
        if entry is None:
            return twiml.leave()
        if digits == "9" and entry.status == flow.WAITING:
            entry.status = flow.CRISIS
            log(logger, "warm_crisis_key", entry_id=entry.id)
            return twiml.leave()
        return twiml.hold(settings, entry.id, entry.language, pause=1)


def answer_left(settings: Settings, entry_id: int, queue_result: str) -> str:
    """The queue let go of the caller: the bridged call ended, they hung up, or voicemail."""
    now = clock.now()
    with session_scope() as session:
        entry = session.get(WarmCall, entry_id, with_for_update=True)
        if entry is None:
            return twiml.spoken("warm.bridged_end", settings.default_language)
        then = flow.after_queue(queue_result=queue_result, status=entry.status)
        language, call_sid, contact_id = entry.language, entry.call_sid, entry.contact_id
        if then in (flow.BRIDGED, flow.ABANDONED) and entry.ended_at is None:
            entry.ended_at = now
        if then == flow.ABANDONED and entry.status == flow.WAITING:
            entry.status = flow.ABANDONED
            _audit(session, "system", "warm_abandoned", entry, waited=_waited(entry, now))
        if then == flow.VOICEMAIL:
            entry.status = flow.VOICEMAIL
        if then == flow.CRISIS:
            entry.ended_at = now
        if then != flow.BRIDGED and entry.rung:
            # The caller has gone (or gone on): stop ringing volunteers for them.
            _end_legs_after_commit(session, entry.id, taker_contact_id=0)
    log(logger, "warm_left", entry_id=entry_id, result=queue_result, then=then)
    if then == flow.CRISIS:
        return _crisis(settings, contact_id, call_sid, language)
    if then == flow.VOICEMAIL:
        return twiml.record(settings, entry_id, language)
    if then == flow.BRIDGED:
        return twiml.spoken("warm.bridged_end", language)
    return twiml.silence()


def _crisis(settings: Settings, contact_id: int, call_sid: str, language: str) -> str:
    """Pressed 9 while holding: the crisis line at once; the case is opened if the DB can."""
    answer = crisis_dial(settings, language)

    def _record() -> None:
        with session_scope() as session:
            # Key 9 on hold says nothing of the danger: the suicide line's help, as elsewhere.
            open_crisis_case(session=session, contact_id=contact_id, danger=Danger.SUICIDE)

    record_within_budget(_record, event="crisis_case", call_sid=call_sid)
    return answer


def _waited(entry: WarmCall, now: dt.datetime) -> int:
    return int((now - aware(entry.entered_at)).total_seconds())


# The volunteer ------------------------------------------------------------------------------


def _rung_leg(
    session: Session, settings: Settings, entry_id: int, answered_by: str
) -> tuple[WarmCall | None, Coordinator | None, str]:
    """The entry and the volunteer of a leg, when the line really rang them for it."""
    staff, language = staff_for_number(session=session, settings=settings, number=answered_by)
    entry = session.get(WarmCall, entry_id)
    if entry is None or staff is None or staff.id not in (entry.rung or ()):
        return None, None, language
    return entry, staff, language


def answer_volunteer(settings: Settings, entry_id: int, answered_by: str) -> str:
    """A rung volunteer answered: ask for 1, or tell them someone else has the caller."""
    with session_scope() as session:
        entry, _, language = _rung_leg(session, settings, entry_id, answered_by)
        if entry is None:
            return twiml.spoken("warm.gone", language)
        then = flow.screen(status=entry.status, taken_by=entry.taken_by_id, digits=None)
    if then == flow.ASK:
        return twiml.screen(settings, entry_id, language)
    return twiml.spoken("warm.gone", language)


def answer_screen(settings: Settings, entry_id: int, answered_by: str, digits: str) -> str:
    """The volunteer's key: the first 1 takes the caller; anything else ends this leg."""
    now = clock.now()
    with session_scope() as session:
        entry, staff, language = _rung_leg(session, settings, entry_id, answered_by)
        if entry is None or staff is None:
            return twiml.spoken("warm.gone", language)
        then = flow.screen(status=entry.status, taken_by=entry.taken_by_id, digits=digits)
        if then == flow.DECLINE:
            return twiml.silence()
        if then == flow.TAKE and _take(session, entry_id, staff.id, now):
            entry = session.get(WarmCall, entry_id, populate_existing=True)
            assert entry is not None
            _audit(
                session,
                f"coordinator:{staff.id}",
                "warm_answered",
                entry,
                waited=_waited(entry, now),
            )
            _end_legs_after_commit(session, entry_id, taker_contact_id=staff.contact_id)
            log(logger, "warm_answered", entry_id=entry_id, coordinator_id=staff.id)
            return twiml.connect(settings, entry_id, language)
    return twiml.spoken("warm.gone", language)


def _end_legs_after_commit(session: Session, entry_id: int, *, taker_contact_id: int) -> None:
    enqueue_after_commit(
        session,
        END_LEGS_JOB,
        entry_id,
        taker_contact_id,
        job_id=f"warm-legs-{entry_id}",
        queue=Priority.URGENT.value,
    )


def _take(session: Session, entry_id: int, staff_id: int, now: dt.datetime) -> bool:
    """First to press 1 wins: one conditional UPDATE, so two at once cannot both get it."""
    result = session.execute(
        update(WarmCall)
        .where(
            WarmCall.id == entry_id,
            WarmCall.status == flow.WAITING,
            WarmCall.taken_by_id.is_(None),
        )
        .values(status=flow.BRIDGED, taken_by_id=staff_id, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount or 0) == 1


def answer_ended(entry_id: int) -> str:
    """The volunteer's side of the bridge ended: they are free for the next caller."""
    now = clock.now()
    with session_scope() as session:
        entry = session.get(WarmCall, entry_id)
        if entry is not None and entry.ended_at is None:
            entry.ended_at = now
            seconds = int((now - aware(entry.answered_at or now)).total_seconds())
            _audit(session, "system", "warm_call_ended", entry, seconds=seconds)
    return twiml.silence()


def staff_for_number(
    *, session: Session, settings: Settings, number: str
) -> tuple[Coordinator | None, str]:
    """The staff member a call was placed to (found by the keyed index), and their language."""
    try:
        e164 = normalise(number, settings.default_region)
    except PhoneError:
        return None, settings.default_language
    vault = vault_for(settings.secret_key)
    contact = get_contact_by_phone(session=session, vault=vault, e164=e164)
    if contact is None:
        return None, settings.default_language
    staff = session.scalars(select(Coordinator).where(Coordinator.contact_id == contact.id)).first()
    return staff, contact.language


def end_other_legs(entry_id: int, taker_contact_id: int) -> int:
    """Job: stop ringing everyone else once one volunteer has the caller; return legs ended."""
    from hotline.settings import get_settings
    from hotline.transport import CallControl, TransportError, get_transport

    path = leg_path(entry_id)
    with session_scope() as session:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.call_path == path,
                OutboxMessage.status == OutboxStatus.QUEUED.value,
            )
            .values(status=OutboxStatus.SKIPPED.value, error_reason="another volunteer answered")
        )
        sids = session.scalars(
            select(OutboxMessage.twilio_sid).where(
                OutboxMessage.call_path == path,
                OutboxMessage.contact_id != taker_contact_id,
                OutboxMessage.twilio_sid.is_not(None),
                OutboxMessage.status == OutboxStatus.SENT.value,
            )
        ).all()
    transport = get_transport(get_settings())
    ended = 0
    for sid in sids:
        if sid is None or not isinstance(transport, CallControl):
            continue
        try:
            transport.end_call(sid)
            ended += 1
        except TransportError as exc:
            # Already over (they hung up, or it went to their voicemail and ended): fine.
            log(logger, "warm_leg_end_failed", sid=sid, reason=exc.reason)
    log(logger, "warm_legs_ended", entry_id=entry_id, ended=ended)
    return ended


def _audit(session: Session, actor: str, action: str, entry: WarmCall, **detail: object) -> None:
    audit.record(
        session=session,
        actor=actor,
        action=action,
        subject_type="warm_call",
        subject_id=entry.id,
        **detail,
    )
