"""Warm-line voicemail: recorded at Twilio, read by the crisis detector, called back masked.

The recording stays at Twilio (never downloaded) and is deleted there after
`[warm] recording_days`; the transcription is assessed in the webhook and not kept. On-shift
volunteers get "voicemail 17 waiting, reply CALL V17": no number, no words. `CALL V17` rings
the volunteer and then the caller from the line's number, so neither sees the other's.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline import audit, clock
from hotline.cases import open_support_case
from hotline.catalogs import catalog
from hotline.crisis.detector import assess
from hotline.db import session_scope
from hotline.flows.catalog import Catalog
from hotline.flows.voice import menu as voice_flow
from hotline.logs import log
from hotline.models import Contact, Coordinator, Priority, Voicemail, WarmCall
from hotline.outbox import queue_call, queue_sms
from hotline.phones import vault_for
from hotline.settings import Settings
from hotline.voice import twiml as voice_twiml
from hotline.warm import twiml, volunteers

logger = logging.getLogger(__name__)
MAX_TRANSCRIPTION_CHARS = 2000


def answer_recorded(settings: Settings, entry_id: int, recording_sid: str, seconds: int) -> str:
    """The caller finished a message: keep its SID only, and tell the on-shift volunteers."""
    now = clock.now()
    with session_scope() as session:
        entry = session.get(WarmCall, entry_id)
        language = entry.language if entry else settings.default_language
        if entry is None or not recording_sid or seconds <= 0:
            return twiml.spoken("warm.voicemail_empty", language)
        voicemail = _voicemail_for(session, entry, recording_sid, now)
        if voicemail is None:
            return twiml.spoken("warm.voicemail_saved", language)  # Twilio retried the post
        for person in volunteers.on_shift(session=session, now=now):
            _tell(session, person, "warm.staff.voicemail", voicemail.id)
        entry.ended_at = entry.ended_at or now
        log(logger, "voicemail_left", voicemail_id=voicemail.id, entry_id=entry.id)
    return twiml.spoken("warm.voicemail_saved", language)


def _voicemail_for(
    session: Session, entry: WarmCall, recording_sid: str, now: dt.datetime
) -> Voicemail | None:
    """A new voicemail row, or None when this recording was already recorded."""
    voicemail = Voicemail(
        warm_call_id=entry.id, contact_id=entry.contact_id, recording_sid=recording_sid
    )
    voicemail.created_at = now
    try:
        with session.begin_nested():
            session.add(voicemail)
    except IntegrityError:
        return None
    audit.record(
        session=session,
        actor=f"contact:{entry.contact_id}",
        action="voicemail_left",
        subject_type="voicemail",
        subject_id=voicemail.id,
    )
    return voicemail


def answer_transcribed(recording_sid: str, text: str) -> None:
    """Twilio's transcription: the crisis detector reads it; crisis opens a case and pages."""
    verdict = assess(text[:MAX_TRANSCRIPTION_CHARS]) if text.strip() else None
    with session_scope() as session:
        voicemail = session.scalars(
            select(Voicemail).where(Voicemail.recording_sid == recording_sid)
        ).first()
        if voicemail is None or verdict is None or not verdict.crisis:
            log(logger, "voicemail_assessed", found=voicemail is not None, crisis=False)
            return
        case = open_support_case(
            session=session,
            contact_id=voicemail.contact_id,
            kind="crisis",
            level=verdict.level.value,
            source="voice",
            danger=verdict.danger.value,
        )
        voicemail.crisis, voicemail.case_id = True, case.id
        log(logger, "voicemail_assessed", voicemail_id=voicemail.id, crisis=True, case_id=case.id)


def call_back(*, session: Session, staff: Coordinator, voicemail_id: int, now: dt.datetime) -> str:
    """CALL V17: the first volunteer to ask gets it; the line rings them, then the caller."""
    words = _words(session, staff)
    voicemail = session.get(Voicemail, voicemail_id)
    if voicemail is None or voicemail.deleted_at is not None:
        return words.t("warm.staff.voicemail_unknown", id=voicemail_id)
    claimed = session.execute(
        update(Voicemail)
        .where(Voicemail.id == voicemail_id, Voicemail.called_by_id.is_(None))
        .values(called_by_id=staff.id, called_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(voicemail)
    if not int(cast(CursorResult[Any], claimed).rowcount or 0) and (
        voicemail.called_by_id != staff.id
    ):
        return words.t("warm.staff.voicemail_taken", id=voicemail_id)
    member = session.get(Contact, voicemail.contact_id)
    if member is None or member.invalid_at is not None:
        return words.t("warm.staff.voicemail_cannot", id=voicemail_id)
    queue_call(
        session=session,
        contact_id=staff.contact_id,
        call_path=f"outbound/voicemail/{voicemail_id}",
        purpose="bridge",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,
    )
    audit.record(
        session=session,
        actor=f"coordinator:{staff.id}",
        action="voicemail_callback",
        subject_type="voicemail",
        subject_id=voicemail_id,
    )
    return words.t("warm.staff.voicemail_calling", id=voicemail_id)


def answer_callback_leg(
    settings: Settings, voicemail_id: int, answered_by: str, line_number: str
) -> str:
    """The volunteer answered CALL V17's call: dial the caller from the line's number."""
    from hotline.warm.calls import staff_for_number

    with session_scope() as session:
        staff, language = staff_for_number(session=session, settings=settings, number=answered_by)
        voicemail = session.get(Voicemail, voicemail_id)
        if voicemail is None or staff is None or voicemail.called_by_id != staff.id:
            return twiml.spoken("warm.gone", language)
        member = session.get(Contact, voicemail.contact_id)
        assert member is not None  # a voicemail's contact is a foreign key
        number = vault_for(settings.secret_key).decrypt(member.phone_encrypted)
    log(logger, "voicemail_bridge", voicemail_id=voicemail_id)
    return voice_twiml.masked_dial(
        language,
        before=voice_flow.line("warm.voicemail_bridge", id=voicemail_id),
        number=number,
        caller_id=settings.from_number or line_number,
        after=voice_flow.line("warm.bridge_ended"),
    )


def delete_expired(now: dt.datetime, settings: Settings) -> int:
    """Delete recordings from Twilio once past retention; return how many were deleted."""
    from hotline.transport import CallControl, TransportError, get_transport

    cutoff = now - dt.timedelta(days=settings.warm.recording_days)
    transport = get_transport(settings)
    if not isinstance(transport, CallControl):
        return 0
    deleted = 0
    with session_scope() as session:
        due = session.scalars(
            select(Voicemail).where(
                Voicemail.deleted_at.is_(None),
                Voicemail.recording_sid.is_not(None),
                Voicemail.created_at < cutoff,
            )
        ).all()
        for voicemail in due:
            try:
                transport.delete_recording(str(voicemail.recording_sid))
            except TransportError as exc:
                if exc.status != 404:  # already gone at Twilio counts as deleted
                    log(logger, "recording_delete_failed", voicemail_id=voicemail.id)
                    continue
            voicemail.deleted_at = now
            deleted += 1
    if deleted:
        log(logger, "recordings_deleted", count=deleted)
    return deleted


def _tell(session: Session, staff: Coordinator, key: str, voicemail_id: int) -> None:
    queue_sms(
        session=session,
        contact_id=staff.contact_id,
        body=_words(session, staff).t(key, id=voicemail_id),
        purpose="alert",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,
        dedupe_key=f"voicemail:{voicemail_id}:{staff.id}",
    )


def _words(session: Session, staff: Coordinator) -> Catalog:
    contact = session.get(Contact, staff.contact_id)
    return catalog(contact.language if contact is not None else "en")
