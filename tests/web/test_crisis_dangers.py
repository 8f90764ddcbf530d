"""Each kind of danger, end to end in English and Spanish: the text gets its own help in the
webhook response, the case records the danger, the responder's alert names it, and a caller
who says it is connected to the line that fits it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.db import session_scope
from hotline.flows.segments import count_segments
from hotline.jobs.escalation import escalate_case
from hotline.models import OutboxMessage, SupportCase
from hotline.settings import Settings
from tests.twilio import TwilioPoster, sms_texts
from tests.web.test_voice_caller import Caller
from tests.web.test_voice_crisis import add_responder

MEMBER = "+15551230000"
RESPONDER = "+14155550199"

# danger -> language -> (a text showing it, words its reply must hold)
DANGERS = {
    "suicide": {
        "en": ("i cant do this anymore, i want to kill myself", ["988", "741741"]),
        "es": ("ya no aguanto, me quiero matar", ["988 y oprima 2", "741741"]),
    },
    "medical": {
        "en": ("my roommate took a bunch of pills and is not breathing", ["911", "1-800-222-1222"]),
        "es": ("mi hijo se tomo el cloro", ["911", "1-800-222-1222"]),
    },
    "violence": {
        "en": (
            "my husband has a knife and says he will kill me when he gets home",
            ["911", "1-800-799-7233", "START to 88788", "shared phone"],
        ),
        "es": ("mi novio me amenazo con matarme esta noche", ["911", "1-800-799-7233"]),
    },
    "others": {
        "en": ("i'm going to shoot my neighbor tonight", ["911", "988"]),
        "es": ("voy a matar a mi esposo cuando llegue", ["911", "988"]),
    },
}
CASES = [(danger, language) for danger, by_language in DANGERS.items() for language in by_language]
# Words that belong to another danger's help, never to this one's.
FOREIGN = {
    "suicide": ["1-800-799-7233", "1-800-222-1222"],
    "medical": ["1-800-799-7233", "741741"],
    "violence": ["1-800-222-1222", "741741"],
    "others": ["1-800-799-7233", "1-800-222-1222", "741741"],
}


@pytest.mark.parametrize(("danger", "language"), CASES)
def test_a_text_gets_the_help_for_its_danger_and_the_case_and_alert_name_it(
    twilio: TwilioPoster, settings: Settings, danger: str, language: str
) -> None:
    add_responder(settings, RESPONDER, tier=1)
    body, expected = DANGERS[danger][language]
    response = twilio.sms(MEMBER, body)
    assert response.status_code == 200
    (reply,) = sms_texts(response)
    for words in expected:
        assert words in reply, (danger, language, reply)
    assert not any(words in reply for words in FOREIGN[danger]), reply
    assert count_segments(reply).segments <= 2
    # Someone is on call: the reply says they are being alerted, except to a person in danger
    # from someone else, who is asked to reply CALL when a call is safe
    # (test_crisis_violence_call.py).
    alerting = "Estamos avisando a alguien" if language == "es" else "We are alerting someone"
    if danger == "violence":
        assert ("LLAMAR" if language == "es" else "Reply CALL") in reply
        assert alerting not in reply
    else:
        assert alerting in reply
    with session_scope() as session:
        case = session.scalars(select(SupportCase)).one()
        assert (case.kind, case.danger) == ("crisis", danger)
        case_id = case.id
    escalate_case(case_id, 0)
    with session_scope() as session:
        alert = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.purpose == "alert", OutboxMessage.kind == "sms"
            )
        )
        bodies = [row.body or "" for row in alert]
    named = {
        "suicide": "suicide or self-harm",
        "medical": "overdose or medical",
        "violence": "violence from someone",
        "others": "danger to others",
    }[danger]
    assert bodies and all(named in body for body in bodies), bodies
    assert all(body not in b for b in bodies)  # never the member's words


@pytest.mark.parametrize(("danger", "language"), CASES)
def test_the_reply_is_built_from_memory_without_the_database(danger: str, language: str) -> None:
    from hotline.sms.runner import crisis_reply_for

    body, expected = DANGERS[danger][language]
    answer = crisis_reply_for(body, language=language, country="US")
    assert answer is not None and answer.danger.value == danger
    for words in expected:
        assert words in answer.twiml
    assert "alerting" not in answer.twiml and "avisando" not in answer.twiml
    assert crisis_reply_for("what time is the meeting", language="en", country="US") is None


# A caller who says the danger at a menu is connected to the line for it.
SPOKEN = {
    ("suicide", "en"): ("i want to end my life", "+18002738255", "crisis line"),
    ("suicide", "es"): ("me quiero quitar la vida", "+18886289454", "crisis"),
    ("medical", "en"): ("my friend overdosed and is not breathing", "+18002221222", "9 1 1"),
    ("medical", "es"): ("mi papa no respira", "+18002221222", "9 1 1"),
    ("violence", "en"): ("my boyfriend is going to kill me", "+18007997233", "9 1 1"),
    ("violence", "es"): ("mi esposo me va a matar", "+18007997233", "9 1 1"),
    ("others", "en"): ("i am going to hurt my kids", "+18002738255", "9 1 1"),
    ("others", "es"): ("tengo miedo de lastimar a mi bebe", "+18886289454", "9 1 1"),
}


@pytest.mark.parametrize(("danger", "language"), SPOKEN)
def test_a_caller_who_says_the_danger_hears_and_reaches_the_right_line(
    twilio: TwilioPoster, danger: str, language: str
) -> None:
    words, number, heard = SPOKEN[danger, language]
    caller = Caller(twilio)
    caller.start()
    caller.press("2" if language == "es" else "1")  # the language menu
    caller.press(speech=words)
    assert (caller.dial().text or "").strip() == number
    assert heard in caller.says()
    assert recorded_case() == ("voice", danger)


def recorded_case() -> tuple[str, str | None]:
    """The one case's source and danger, once the call's background recording has written it."""
    import time

    deadline = time.monotonic() + 10
    while True:
        with session_scope() as session:
            case = session.scalars(select(SupportCase)).one_or_none()
            if case is not None or time.monotonic() > deadline:
                assert case is not None, "the crisis call never opened a case"
                return case.source, case.danger
        time.sleep(0.05)


def test_key_nine_dials_the_crisis_line() -> None:
    from hotline.settings import get_settings
    from hotline.voice import twiml as voice_twiml

    twiml = voice_twiml.crisis_dial(get_settings(), "en")
    assert "+18002738255" in twiml and "Connecting you to the crisis line" in twiml
