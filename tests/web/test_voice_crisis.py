"""The crisis dial's fallback: the on-call responder when the crisis line does not answer."""

from __future__ import annotations

from unittest import mock

import pytest

from hotline.contacts import get_or_create_contact
from hotline.db import session_scope
from hotline.models import Coordinator
from hotline.phones import vault_for
from hotline.settings import Settings
from tests.twilio import LINE_NUMBER, TwilioPoster
from tests.web.test_voice_caller import Caller, path_of

RESPONDER = "+14155550199"
BACKUP = "+14155550198"


def add_responder(settings: Settings, number: str, tier: int, *, oncall: bool = True) -> None:
    with session_scope() as session:
        contact = get_or_create_contact(
            session=session, vault=vault_for(settings.secret_key), e164=number
        )
        session.add(
            Coordinator(
                contact_id=contact.id,
                display_name="Sam",
                role="responder",
                oncall=oncall,
                tier=tier,
            )
        )


def crisis_call(twilio: TwilioPoster) -> Caller:
    caller = Caller(twilio)
    caller.start()
    caller.press("1")
    caller.press("9")
    return caller


def after_dial(caller: Caller, status: str) -> Caller:
    caller.post(path_of(caller.dial().get("action", "")), DialCallStatus=status)
    return caller


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_an_unanswered_crisis_line_rings_the_first_on_call_responder_from_the_hotline(
    twilio: TwilioPoster, settings: Settings, status: str
) -> None:
    add_responder(settings, BACKUP, tier=2)
    add_responder(settings, "+14155550197", tier=1, oncall=False)
    add_responder(settings, RESPONDER, tier=1)
    caller = after_dial(crisis_call(twilio), status)
    dial = caller.dial()
    assert (dial.text or "").strip() == RESPONDER
    assert dial.get("callerId") == LINE_NUMBER
    assert "Hotline volunteer" in caller.says()
    after_dial(caller, "no-answer")
    assert "9 8 8" in caller.says()
    assert caller.root.find("Hangup") is not None


@pytest.mark.parametrize("status", ["completed", "answered"])
def test_an_answered_crisis_call_ends_with_the_988_line(
    twilio: TwilioPoster, settings: Settings, status: str
) -> None:
    add_responder(settings, RESPONDER, tier=1)
    caller = after_dial(crisis_call(twilio), status)
    assert caller.root.find("Dial") is None
    assert "9 8 8" in caller.says()


def test_without_a_responder_the_988_line_is_said_again(twilio: TwilioPoster) -> None:
    caller = after_dial(crisis_call(twilio), "no-answer")
    assert caller.root.find("Dial") is None
    assert "9 8 8" in caller.says()


def test_the_crisis_dial_does_not_need_the_database(twilio: TwilioPoster) -> None:
    caller = Caller(twilio)
    caller.start()
    caller.press("1")
    with mock.patch(
        "hotline.voice.runner.session_scope", side_effect=RuntimeError("database down")
    ):
        caller.press("9")
    assert (caller.dial().text or "").strip() == "+18002738255"
    with mock.patch(
        "hotline.voice.runner.session_scope", side_effect=RuntimeError("database down")
    ):
        after_dial(caller, "no-answer")
    assert "9 8 8" in caller.says()


def test_the_spanish_crisis_line_for_a_spanish_caller(twilio: TwilioPoster) -> None:
    caller = Caller(twilio)
    caller.start()
    caller.press("2")
    caller.press("9")
    assert (caller.dial().text or "").strip() == "+18886289454"
    after_dial(caller, "busy")
    assert "9 8 8 y oprima 2" in caller.says()


def test_crisis_dial_is_not_held_by_a_slow_database(
    twilio: TwilioPoster, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from sqlalchemy import select

    from hotline import bounded
    from hotline.models import SupportCase
    from hotline.voice import runner as voice

    release = threading.Event()
    real_record = voice._record_crisis_call

    def slow_record(*args: object) -> None:
        release.wait(10)
        real_record(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(bounded, "CRISIS_RECORD_BUDGET_SECONDS", 0.5)
    monkeypatch.setattr(voice, "_record_crisis_call", slow_record)
    twilio.settle = False
    started = time.monotonic()
    caller = crisis_call(twilio)
    assert (caller.dial().text or "").strip() == settings.crisis_number
    assert time.monotonic() - started < 5
    release.set()
    for _ in range(100):  # the late recording still opens the case
        with session_scope() as session:
            if session.scalars(select(SupportCase)).first() is not None:
                return
        time.sleep(0.1)
    raise AssertionError("the slow crisis recording never opened a case")
