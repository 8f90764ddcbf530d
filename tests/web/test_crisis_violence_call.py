"""Violence from someone else: the reply never promises a call, since on a shared phone an
unexpected call can be dangerous. It asks the person to reply CALL when a call is safe, and
that CALL does what the reply promised: the case's trail records it, the responder (or, while
nobody holds the case, everyone on call) is texted, and the member is told so, in English and
Spanish. Nobody on call: the reply asks for nothing, and a CALL is told plainly that nobody can
call. The responder who takes a violence case is told not to call unasked, and the member gets
no caring text nobody asked for."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.db import session_scope
from hotline.flows.segments import count_segments
from hotline.models import AuditEvent, CaringConsent, OutboxMessage, SupportCase
from hotline.settings import Settings
from tests.twilio import TwilioPoster, sms_texts
from tests.web.test_voice_crisis import add_responder

MEMBER = "+15551230000"
RESPONDER = "+14155550199"
THREAT = {
    "en": "my boyfriend says he will kill me when he gets home tonight",
    "es": "mi esposo me amenazo con matarme cuando llegue",
}
CALL = {"en": "CALL", "es": "LLAMAR"}
ASK = {"en": "Reply CALL if it is safe for us to call you.", "es": "Responda LLAMAR si es seguro"}
ASKED = {
    "en": "We have asked someone on call to call you",
    "es": "Pedimos a alguien de guardia que le llame",
}
NOBODY = {"en": "nobody from this line can call you", "es": "nadie de esta linea puede llamarle"}


def reply_to(twilio: TwilioPoster, body: str, sender: str = MEMBER) -> str:
    response = twilio.sms(sender, body)
    assert response.status_code == 200
    (text,) = sms_texts(response)
    return text


def staff_texts() -> list[str]:
    with session_scope() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "alert"))
        return [row.body or "" for row in rows]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_violence_reply_asks_for_call_and_a_call_happens_only_when_asked(
    twilio: TwilioPoster, settings: Settings, language: str
) -> None:
    add_responder(settings, RESPONDER, tier=1)
    first = reply_to(twilio, THREAT[language])
    assert ASK[language] in first and "alerting" not in first and "avisando" not in first
    assert "1-800-799-7233" in first and "88788" in first and count_segments(first).segments <= 2
    with session_scope() as session:
        case = session.scalars(select(SupportCase)).one()
        assert case.danger == "violence"
        case_id = case.id
    assert not any("safe to call" in t or "seguro llamarle" in t for t in staff_texts())

    asked = reply_to(twilio, CALL[language])
    assert ASKED[language] in asked and "911" in asked
    assert count_segments(asked).segments == 1
    told = [t for t in staff_texts() if f"ACK {case_id} to take it, then CALL {case_id}" in t]
    assert len(told) == 1  # the responder on call, told to take it and call
    assert THREAT[language] not in told[0]  # never the member's words
    with session_scope() as session:
        trail = session.scalars(select(AuditEvent).where(AuditEvent.action == "call_asked")).one()
        assert (trail.subject_type, trail.subject_id) == ("case", case_id)


def test_a_responder_who_takes_a_violence_case_is_told_not_to_call_unasked(
    twilio: TwilioPoster, settings: Settings
) -> None:
    add_responder(settings, RESPONDER, tier=1)
    reply_to(twilio, THREAT["en"])
    with session_scope() as session:
        case_id = session.scalars(select(SupportCase.id)).one()
    taken = reply_to(twilio, f"ACK {case_id}", sender=RESPONDER)
    assert "do not call unless they text CALL" in taken
    with session_scope() as session:
        assert session.scalars(select(CaringConsent)).first() is None  # no caring text
        member_texts = session.scalars(
            select(OutboxMessage).where(OutboxMessage.purpose == "caring")
        ).all()
        assert member_texts == []

    reply_to(twilio, "call me")
    told = [t for t in staff_texts() if f"Case {case_id}: the member says it is safe" in t]
    assert told and f"Reply CALL {case_id}" in told[-1]  # the holder, who can call now


def test_a_suicide_case_still_gets_its_caring_question(
    twilio: TwilioPoster, settings: Settings
) -> None:
    add_responder(settings, RESPONDER, tier=1)
    reply_to(twilio, "i want to kill myself tonight")
    with session_scope() as session:
        case_id = session.scalars(select(SupportCase.id)).one()
    taken = reply_to(twilio, f"ACK {case_id}", sender=RESPONDER)
    assert "Reply CALL" in taken and "do not call" not in taken
    with session_scope() as session:
        assert session.get(CaringConsent, case_id) is not None


@pytest.mark.parametrize("language", ["en", "es"])
def test_with_nobody_on_call_nothing_is_promised(
    twilio: TwilioPoster, settings: Settings, language: str
) -> None:
    first = reply_to(twilio, THREAT[language])
    assert ASK[language] not in first and "LLAMAR" not in first
    asked = reply_to(twilio, CALL[language])
    assert NOBODY[language] in asked.lower() and "911" in asked
    assert staff_texts() == []


def test_call_without_an_open_case_is_still_the_meeting_command(twilio: TwilioPoster) -> None:
    assert "CALL + meeting #" in reply_to(twilio, "CALL")
