"""A STOP inside an open crisis case is honoured, and flags the case for a human look."""

from __future__ import annotations

from sqlalchemy import select

from hotline.db import session_scope
from hotline.models import AuditEvent, Contact, SupportCase
from tests.twilio import TwilioPoster, sms_texts

MEMBER = "+15557770099"


def test_stop_during_crisis_case_is_honoured_and_flagged(twilio: TwilioPoster) -> None:
    crisis = sms_texts(twilio.sms(MEMBER, "i want to kill myself tonight"))
    assert "988" in crisis[0]
    stop = sms_texts(twilio.sms(MEMBER, "STOP"))
    assert len(stop) == 1 and "START" in stop[0]
    with session_scope() as session:
        case = session.scalars(select(SupportCase)).one()
        contact = session.get(Contact, case.contact_id)
        actions = session.scalars(select(AuditEvent.action)).all()
    assert contact is not None and contact.opted_out_at is not None
    assert case.needs_review is True
    assert "stop_during_case" in actions


def test_stop_without_a_case_flags_nothing(twilio: TwilioPoster) -> None:
    twilio.sms(MEMBER, "STOP")
    with session_scope() as session:
        assert session.scalars(select(SupportCase)).first() is None
        assert "stop_during_case" not in session.scalars(select(AuditEvent.action)).all()
