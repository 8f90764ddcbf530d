"""The staff legs' answers: the crisis alert read to the paged responder, the masked callback.

A responder who sent `CALL 12` is rung by the line; when they answer, `answer_bridge` dials the
member with the line's number as caller ID, so neither side sees the other's number. The routes
are in hotline/web/bridge.py; the TwiML is hotline/voice/twiml.py's.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import audit
from hotline.crisis.cases import alert_level
from hotline.db import session_scope
from hotline.flows.voice.menu import Line
from hotline.logs import log
from hotline.models import CaseStatus, Contact, Coordinator, SupportCase
from hotline.phones import PhoneError, normalise, vault_for
from hotline.settings import Settings
from hotline.voice import twiml

logger = logging.getLogger(__name__)


def answer_bridge(
    *, settings: Settings, case_id: int, answered_by: str, line_number: str, call_sid: str
) -> str:
    """Dial the member of a case for the responder holding it; anyone else hears it is closed."""
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        holder = session.get(Coordinator, case.acked_by_id) if case and case.acked_by_id else None
        staff = _staff_contact(session, settings, answered_by)
        language = staff.language if staff else settings.default_language
        if (
            case is None
            or case.status != CaseStatus.ACKED.value
            or holder is None
            or staff is None
            or holder.contact_id != staff.id
        ):
            log(logger, "bridge_refused", case_id=case_id, call_sid=call_sid)
            return twiml.said_then_hang_up(language, _line("bridge_closed", case_id))
        member = session.get(Contact, case.contact_id)
        assert member is not None  # a case's contact is a foreign key
        number = vault_for(settings.secret_key).decrypt(member.phone_encrypted)
        audit.record(
            session=session,
            actor=f"coordinator:{holder.id}",
            action="bridge_connected",
            subject_type="case",
            subject_id=case.id,
            call_sid=call_sid,
        )
    log(logger, "bridge_dial", case_id=case_id, call_sid=call_sid)
    return twiml.masked_dial(
        language,
        before=_line("bridge_connecting", case_id),
        number=number,
        caller_id=settings.from_number or line_number,
        after=_line("bridge_ended", case_id),
    )


def answer_alert(*, settings: Settings, case_id: int, answered_by: str) -> str:
    """Read a crisis alert to the paged responder: the case number and level, twice."""
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        staff = _staff_contact(session, settings, answered_by)
        language = staff.language if staff else settings.default_language
        if case is None or case.status != CaseStatus.OPEN.value:
            return twiml.said_then_hang_up(language, _line("closed", case_id))
        level = alert_level(language=language, case=case)
    return twiml.said_twice(language, _line("alert_voice", case_id, level=level))


def _line(key: str, case_id: int, **values: str) -> Line:
    """A staff leg's line from the catalog's cases.* strings."""
    return Line(f"cases.{key}", (("case_id", str(case_id)), *values.items()))


def _staff_contact(session: Session, settings: Settings, number: str) -> Contact | None:
    """Return the staff contact a call was placed to, found by its keyed index."""
    try:
        e164 = normalise(number, settings.default_region)
    except PhoneError:
        return None
    phone_hash = vault_for(settings.secret_key).index(e164)
    return session.scalars(
        select(Contact)
        .join(Coordinator, Coordinator.contact_id == Contact.id)
        .where(Contact.phone_hash == phone_hash)
    ).first()
