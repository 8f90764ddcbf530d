"""The warm line by text, end to end: a member and volunteers texting through the real app."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy import select

from hotline import clock
from hotline.db import session_scope
from hotline.flows.segments import count_segments
from hotline.models import AuditEvent, RelayConversation, SupportCase
from hotline.settings import Settings
from hotline.warm import relay
from tests.clock import travel
from tests.people import add_contact, add_staff
from tests.twilio import TwilioPoster, sms_texts
from tests.warm.people import OFF_SHIFT, ON_SHIFT, add_volunteer, texts_to

MEMBER = "+14155550181"
ANA = "+14155550191"
BEN = "+14155550192"


@pytest.fixture()
def on_shift(settings: Settings) -> Iterator[time_machine.Traveller]:
    with travel(ON_SHIFT, tick=False) as traveller:
        add_volunteer(settings, ANA, name="Ana")
        add_volunteer(settings, BEN, name="Ben")
        yield traveller


def _conversation() -> RelayConversation:
    with session_scope() as session:
        found = session.scalars(select(RelayConversation)).one()
        session.expunge(found)
        return found


def _taken_by_ana(twilio: TwilioPoster) -> int:
    """The member texts TALK and Ana takes it; return the conversation's number."""
    twilio.sms(MEMBER, "TALK")
    number = _conversation().id
    twilio.sms(ANA, f"TAKE {number}")
    return number


def test_talk_offers_the_conversation_first_take_wins_and_texts_flow_both_ways_masked(
    twilio: TwilioPoster,
    settings: Settings,
    on_shift: time_machine.Traveller,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        (reply,) = sms_texts(twilio.sms(MEMBER, "TALK"))
        assert "we will text you here when one joins" in reply
        number = _conversation().id
        offer = f"#{number}: a member would like to talk - reply TAKE {number}"
        assert texts_to(settings, ANA, "relay") == [offer]
        assert texts_to(settings, BEN, "relay") == [offer]

        (yours,) = sms_texts(twilio.sms(BEN, f"TAKE {number}"))
        assert yours.startswith(f"#{number} is yours.")
        (late,) = sms_texts(twilio.sms(ANA, f"take {number}"))
        assert late == f"#{number} was taken by another volunteer. Thank you."
        assert "A peer volunteer is here" in texts_to(settings, MEMBER, "relay")[-1]

        assert sms_texts(twilio.sms(MEMBER, "I had a rough day at work")) == []
        assert texts_to(settings, BEN, "relay")[-1] == f"#{number}: I had a rough day at work"
        assert sms_texts(twilio.sms(BEN, "I'm here. Want to tell me about it?")) == []
        assert texts_to(settings, MEMBER, "relay")[-1] == "I'm here. Want to tell me about it?"
        # Ana is not in it: her texts do not reach the member.
        assert texts_to(settings, ANA, "relay") == [offer]

        (closed,) = sms_texts(twilio.sms(BEN, f"END {number}"))
        assert closed.startswith(f"#{number} closed")
        assert "you matter" in texts_to(settings, MEMBER, "relay")[-1]
    assert _conversation().status == "closed"
    assert _conversation().closed_by == "volunteer"
    for number_seen in (MEMBER, ANA, BEN):
        assert number_seen not in caplog.text
        assert number_seen[2:] not in caplog.text
    assert "rough day" not in caplog.text
    with session_scope() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("relay")] == [
        "relay_opened",
        "relay_taken",
        "relay_closed",
    ]


def test_a_volunteer_in_two_conversations_names_which_one(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    other = "+14155550182"
    twilio.sms(MEMBER, "TALK")
    twilio.sms(other, "TALK")
    with session_scope() as session:
        first, second = session.scalars(select(RelayConversation.id).order_by(RelayConversation.id))
    twilio.sms(ANA, f"TAKE {first}")
    twilio.sms(ANA, f"TAKE {second}")
    (which,) = sms_texts(twilio.sms(ANA, "how are you feeling?"))
    assert (
        which
        == f"You are in #{first}, #{second}. Start your text with the number, e.g. {first} hello"
    )
    twilio.sms(ANA, f"{second} how are you feeling?")
    assert texts_to(settings, other, "relay")[-1] == "how are you feeling?"
    assert texts_to(settings, MEMBER, "relay")[-1].startswith("A peer volunteer is here")
    twilio.sms(MEMBER, "better now")
    assert texts_to(settings, ANA, "relay")[-1] == f"#{first}: better now"


@pytest.mark.parametrize("goodbye", ["chao", "bye", "BYE", "adios", "Adiós"])
def test_the_member_says_bye_and_the_volunteer_is_told(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller, goodbye: str
) -> None:
    number = _taken_by_ana(twilio)
    # The crisis detector reads it first and, since session 3, a bare goodbye is not a crisis
    # (the model reads no small talk): it closes the conversation, and no case is opened.
    (bye,) = sms_texts(twilio.sms(MEMBER, goodbye))
    assert bye.startswith("Thank you for talking with us.")
    assert texts_to(settings, ANA, "relay")[-1] == (
        f"#{number}: the member said goodbye. Conversation closed."
    )
    assert _conversation().closed_by == "member"
    with session_scope() as session:
        assert session.scalars(select(SupportCase)).all() == []


def test_stop_in_a_conversation_opts_out_and_closes_it(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    _taken_by_ana(twilio)
    (stopped,) = sms_texts(twilio.sms(MEMBER, "END"))
    assert "988" in stopped  # the opt-out confirmation names the crisis line
    assert _conversation().closed_by == "opted_out"
    assert "texted STOP" in texts_to(settings, ANA, "relay")[-1]


def test_a_crisis_text_in_a_conversation_gets_988_and_still_reaches_the_volunteer(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    number = _taken_by_ana(twilio)
    (reply,) = sms_texts(twilio.sms(MEMBER, "i want to kill myself tonight"))
    assert "988" in reply
    assert texts_to(settings, ANA, "relay")[-1].startswith(f"#{number}: [CRISIS WORDS")
    with session_scope() as session:
        assert session.scalars(select(SupportCase.kind)).all() == ["crisis"]


def test_idle_conversations_close_kindly_and_an_untaken_talk_becomes_a_call_back(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    other = "+14155550182"
    twilio.sms(MEMBER, "TALK")
    twilio.sms(other, "TALK")
    with session_scope() as session:
        first, second = session.scalars(select(RelayConversation.id).order_by(RelayConversation.id))
    twilio.sms(ANA, f"TAKE {first}")
    on_shift.shift(dt.timedelta(minutes=31))
    with session_scope() as session:
        assert relay.sweep(session=session, settings=settings, now=clock.now()) == 2
    assert "quiet while" in texts_to(settings, MEMBER, "relay")[-1]
    assert "call you back" in texts_to(settings, other, "relay")[-1]
    with session_scope() as session:
        statuses = session.scalars(
            select(RelayConversation.closed_by).order_by(RelayConversation.id)
        )
        assert list(statuses) == ["idle", "unanswered"]
        assert session.scalars(select(SupportCase.kind)).all() == ["talk"]
    (late,) = sms_texts(twilio.sms(BEN, f"TAKE {second}"))
    assert late == f"#{second} is no longer waiting. Thank you."


def test_talk_with_nobody_on_shift_keeps_the_call_back_case(
    twilio: TwilioPoster, settings: Settings
) -> None:
    with travel(OFF_SHIFT, tick=False):
        add_volunteer(settings, ANA)
        twilio.sms(MEMBER, "TALK")
    with session_scope() as session:
        assert session.scalars(select(RelayConversation)).all() == []
        assert session.scalars(select(SupportCase.kind)).all() == ["talk"]


def test_available_away_and_helping_change_who_is_asked(
    twilio: TwilioPoster, settings: Settings
) -> None:
    with travel(OFF_SHIFT, tick=False):
        add_volunteer(settings, ANA)
        (available,) = sms_texts(twilio.sms(ANA, "AVAILABLE"))
        # Until her next shift starts (Wednesday 18:00 UTC), when the schedule takes over.
        assert available.endswith("until 18:00 UTC. Text AWAY to stop.")
        twilio.sms(MEMBER, "TALK")
        assert texts_to(settings, ANA, "relay")[-1].endswith("reply TAKE 1") or texts_to(
            settings, ANA, "relay"
        )
        (away,) = sms_texts(twilio.sms(ANA, "away"))
        assert away.startswith("You are away")
    with travel(ON_SHIFT, tick=False):
        add_staff(settings, BEN, "responder")
        (helping,) = sms_texts(twilio.sms(BEN, "HELPING"))
        assert (
            helping == "Thank you! You will get warm-line calls for 60 minutes. Text AWAY to stop."
        )


@pytest.mark.parametrize("language", ["en", "es"])
def test_warm_texts_fit_one_segment(language: str) -> None:
    from hotline.catalogs import catalog

    words = catalog(language)
    keys = [k for k in words.strings if k.startswith("warm.") and "voice" not in k]
    assert keys
    for key in keys:
        values = {"id": 23, "ids": "#23, #31", "first": 23, "until": "18:00 UTC"}
        text = words.t(key, **values, minutes=60, count=3, text="")
        if key.startswith("warm.staff"):
            text = f"#23: {text}"
        assert count_segments(text).segments == 1, (key, text)


def test_a_volunteers_question_about_suicide_is_relayed_not_treated_as_their_crisis(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    _taken_by_ana(twilio)
    question = "Are you thinking about killing yourself?"
    assert sms_texts(twilio.sms(ANA, question)) == []
    assert texts_to(settings, MEMBER, "relay")[-1] == question
    with session_scope() as session:
        assert session.scalars(select(SupportCase)).all() == []


def test_caring_texts_follow_a_closed_crisis_case_only_after_a_yes(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    from hotline.models import OutboxMessage

    responder = add_staff(settings, "+14155550199", "responder")
    twilio.sms(MEMBER, "i want to end my life")
    with session_scope() as session:
        case_id = session.scalars(select(SupportCase.id)).one()
    twilio.sms("+14155550199", f"ACK {case_id}")
    assert texts_to(settings, MEMBER, "caring") == [
        "Hotline here. Can we check on you tomorrow with a short text? Reply YES. "
        "Reply STOP to end all texts."
    ]
    (agreed,) = sms_texts(twilio.sms(MEMBER, "yes"))
    assert agreed.startswith("Thank you. We will text you tomorrow")
    twilio.sms("+14155550199", f"DONE {case_id}")
    with session_scope() as session:
        due = session.scalars(
            select(OutboxMessage.next_attempt_at)
            .where(OutboxMessage.purpose == "caring", OutboxMessage.next_attempt_at.is_not(None))
            .order_by(OutboxMessage.id)
        ).all()
    closed = clock.now()
    assert [d.replace(tzinfo=dt.UTC) for d in due if d is not None] == [
        closed + dt.timedelta(hours=24),
        closed + dt.timedelta(days=7),
    ]
    assert responder


def test_no_caring_texts_without_a_yes(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    add_staff(settings, "+14155550199", "responder")
    twilio.sms(MEMBER, "i want to end my life")
    with session_scope() as session:
        case_id = session.scalars(select(SupportCase.id)).one()
    twilio.sms("+14155550199", f"ACK {case_id}")
    twilio.sms("+14155550199", f"DONE {case_id}")
    assert len(texts_to(settings, MEMBER, "caring")) == 1  # the question only


def test_the_demo_volunteer_is_asked_and_the_console_transport_prints_their_side(
    twilio: TwilioPoster, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from hotline import demo
    from hotline.jobs.sender import send_outbox
    from hotline.models import OutboxMessage

    demo._seed_staff()
    demo._seed_volunteer()
    demo._seed_volunteer()  # a second demo start changes nothing
    twilio.sms(MEMBER, "TALK")
    with session_scope() as session:
        (offer,) = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.purpose == "relay")
        ).all()
    send_outbox(offer)
    number = _conversation().id
    assert f"[text to ***0003] #{number}: a member would like to talk - reply TAKE {number}" in (
        capsys.readouterr().out
    )


def test_hotline_warm_sets_languages_tags_and_shifts_and_lists_who_is_on(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from hotline.cli import main

    with travel(ON_SHIFT, tick=False):
        staff_id = add_staff(settings, ANA, "volunteer", name="Ana")
        assert main(["warm", "list"]) == 0
        assert "warm line closed now" in capsys.readouterr().out
        args = ["warm", "volunteer", str(staff_id), "--languages", "en,es", "--tags", "Youth"]
        assert main([*args, "--shift", "tue 18:00-22:00", "--tz", "UTC"]) == 0
        assert "speaks en,es  tags youth  tue 18:00-22:00 UTC" in capsys.readouterr().out
        assert main(["warm", "list"]) == 0
        out = capsys.readouterr().out
        assert "* " in out and "warm line open now" in out
        assert ANA[-4:] not in out
        assert main(["warm", "volunteer", str(staff_id), "--languages", "fr"]) == 2
        assert main(["warm", "volunteer", str(staff_id), "--shift", "tue 18:00-22:00"]) == 2


def test_a_volunteers_bare_end_is_their_opt_out_and_closes_their_conversations(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    _taken_by_ana(twilio)
    (stopped,) = sms_texts(twilio.sms(ANA, "END"))
    assert "988" in stopped  # the opt-out confirmation, not a relayed "END"
    assert texts_to(settings, MEMBER, "relay")[-1].startswith("Your volunteer ended the chat.")
    assert _conversation().closed_by == "volunteer"


def test_take_is_a_volunteers_command_even_when_the_detector_hears_take_8_pills(
    twilio: TwilioPoster,
    settings: Settings,
    on_shift: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hotline.crisis import detector as crisis_detector
    from hotline.flows.crisis.detect import CrisisAssessment
    from hotline.sms import runner as sms_runner
    from hotline.web import sms as sms_handler

    real = crisis_detector.assess

    def hears_pills(text: str) -> CrisisAssessment:
        verdict = real("I am going to take 8 pills tonight")
        return verdict if text == "TAKE 8" else real(text)

    # The detector may read "TAKE 8" as pills; the warm line must not act on that guess.
    monkeypatch.setattr(sms_handler, "assess", hears_pills)
    monkeypatch.setattr(sms_runner, "assess", hears_pills)
    assert hears_pills("TAKE 8").crisis
    with session_scope() as session:
        # Conversation 8 by its id (PostgreSQL's sequences do not restart between tests).
        session.add(RelayConversation(id=8, contact_id=add_contact(settings, MEMBER)))
    (yours,) = sms_texts(twilio.sms(ANA, "TAKE 8"))
    assert yours.startswith("#8 is yours.")
    with session_scope() as session:
        assert session.scalars(select(SupportCase)).all() == []
