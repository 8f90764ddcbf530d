"""A crisis case's kind of danger: recorded on the case, and named in the responder's alert;
and a member's CALL while the case is open, the only way a violence case gets a call."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.orm import Session

from hotline import audit, oncall
from hotline.cases import get_active_case, level_word, tell_staff
from hotline.catalogs import catalog
from hotline.crisis.resources import crisis_resources
from hotline.flows.crisis.cues import Danger
from hotline.flows.crisis.reply import country_values, first_wording
from hotline.flows.sms.keywords import Kind, parse
from hotline.logs import log
from hotline.models import Contact, Coordinator, SupportCase

logger = logging.getLogger(__name__)


def alert_level(*, language: str, case: SupportCase) -> str:
    """The level an alert names, with the kind of danger: "imminent, violence from someone"."""
    level = level_word(language=language, level=case.level)
    key = f"cases.dangers.{case.danger}"
    words = catalog(language)
    return f"{level}, {words.t(key)}" if case.danger and words.has(key) else level


def ack_key(case: SupportCase | None) -> str:
    """What a responder who takes the case reads: a violence case says not to call unasked."""
    return (
        "cases.ack_yours_violence" if case and case.danger == Danger.VIOLENCE else "cases.ack_yours"
    )


def member_asks_call(
    *, session: Session, contact: Contact, body: str, now: dt.datetime
) -> str | None:
    """A member's bare CALL (CALL ME, LLAMAR) while their crisis case is open; None: not that.

    The violence reply asks the person to reply CALL when a call is safe, and nobody is told
    to call before that. The ask is written in the case's trail and sent to whoever holds the
    case, or, while nobody does, to everyone on call (the admins when nobody is); the member is
    told which of the two happened.
    """
    command = parse(body)
    if command.kind is not Kind.CALL or command.code is not None:
        return None
    case = get_active_case(session=session, contact_id=contact.id)
    if case is None or case.kind != "crisis":
        return None
    holder = session.get(Coordinator, case.acked_by_id) if case.acked_by_id else None
    if holder is not None:
        told, key = [holder], "call_asked"
    else:
        exclude = contact.id
        told = oncall.on_call(session=session, now=now, exclude_contact_id=exclude)
        told = told or oncall.fallback(session=session, exclude_contact_id=exclude)
        key = "call_asked_open"
    for person in told:
        tell_staff(session, person, key, case_id=case.id)
    audit.record(
        session=session,
        actor=f"contact:{contact.id}",
        action="call_asked",
        subject_type="case",
        subject_id=case.id,
        told=len(told),
    )
    log(logger, "case_call_asked", case_id=case.id, told=len(told))
    values = country_values(crisis_resources(), contact.country, contact.language)
    prefix = "crisis.call_asked" if told else "crisis.call_nobody"
    return first_wording(prefix, catalog(contact.language), values)
