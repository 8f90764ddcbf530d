"""Asking for a kind of peer by text, end to end: TALK veteran through the real app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy import select

from hotline import clock
from hotline.db import session_scope
from hotline.models import AuditEvent, RelayConversation, SupportCase
from hotline.settings import Settings
from hotline.warm import relay
from tests.clock import travel
from tests.twilio import TwilioPoster, sms_texts
from tests.warm.people import OFF_SHIFT, ON_SHIFT, add_volunteer, texts_to
from tests.warm.test_relay import _conversation

MEMBER = "+14155550181"
ANA = "+14155550191"  # a veteran
BEN = "+14155550192"
CARA = "+14155550193"  # speaks Spanish only, young


@pytest.fixture()
def on_shift(settings: Settings) -> Iterator[time_machine.Traveller]:
    with travel(ON_SHIFT, tick=False) as traveller:
        yield traveller


def _sweep(settings: Settings) -> int:
    with session_scope() as session:
        return relay.sweep(session=session, settings=settings, now=clock.now())


def test_talk_veteran_asks_the_veterans_first_then_every_peer_and_says_so(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    add_volunteer(settings, ANA, name="Ana", tags="veterans")
    add_volunteer(settings, BEN, name="Ben")
    (reply,) = sms_texts(twilio.sms(MEMBER, "TALK veteran"))
    assert reply.startswith("Thanks for reaching out. We are asking the veteran peer volunteers")
    number = _conversation().id
    offer = f"#{number}: a member would like to talk - reply TAKE {number}"
    assert texts_to(settings, ANA, "relay") == [offer]
    assert texts_to(settings, BEN, "relay") == []
    assert _conversation().tag == "veterans"

    on_shift.shift(dt.timedelta(minutes=2))
    _sweep(settings)
    assert texts_to(settings, BEN, "relay") == []  # Ana still has her three minutes
    on_shift.shift(dt.timedelta(minutes=2))
    assert _sweep(settings) == 1
    assert texts_to(settings, BEN, "relay") == [offer]
    assert texts_to(settings, ANA, "relay") == [offer]  # never offered twice
    assert texts_to(settings, MEMBER, "relay") == [
        "No veteran volunteer has replied yet, so we are asking the other peer volunteers too. "
        "In danger? Call or text 988."
    ]
    assert _sweep(settings) == 0  # widened once
    (yours,) = sms_texts(twilio.sms(BEN, f"TAKE {number}"))
    assert yours.startswith(f"#{number} is yours.")
    with session_scope() as session:
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "relay")
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["relay_opened", "relay_widened", "relay_taken"]
    twilio.sms(MEMBER, "thanks for being here")
    twilio.sms(BEN, "glad you wrote")
    metrics = twilio.client.get("/metrics").text
    assert "hotline_warm_texts_relayed_total 2.0" in metrics
    assert 'hotline_warm_tag_requests_total{channel="sms",tag="veterans"} 1.0' in metrics
    assert 'hotline_warm_text_conversations_total{closed_by="open"} 1.0' in metrics
    # Counts only: no number and no word anyone texted.
    assert "5550181" not in metrics and "glad" not in metrics and "thanks" not in metrics


def test_no_veteran_on_shift_says_so_and_asks_every_peer_at_once(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    add_volunteer(settings, BEN, name="Ben", tags="youth")
    add_volunteer(settings, CARA, name="Cara", languages="es", tags="veterans")
    (reply,) = sms_texts(twilio.sms(MEMBER, "talk to a veteran"))
    assert reply == (
        "No veteran volunteer is on shift now, so we are asking the other peer volunteers; "
        "we will text you here when one joins. In danger? Call or text 988."
    )
    number = _conversation().id
    # Cara is a veteran but does not speak the member's English: Ben is asked.
    assert len(texts_to(settings, BEN, "relay")) == 1
    assert texts_to(settings, CARA, "relay") == []
    on_shift.shift(dt.timedelta(minutes=5))
    assert _sweep(settings) == 0
    assert texts_to(settings, MEMBER, "relay") == []
    assert _conversation().id == number


def test_hablar_joven_in_spanish_asks_the_young_spanish_speaker(
    twilio: TwilioPoster, settings: Settings, on_shift: time_machine.Traveller
) -> None:
    add_volunteer(settings, BEN, name="Ben", tags="youth")
    add_volunteer(settings, CARA, name="Cara", languages="es", tags="youth")
    twilio.sms(MEMBER, "ES")
    (reply,) = sms_texts(twilio.sms(MEMBER, "HABLAR con un joven"))
    assert reply.startswith(
        "Gracias por escribir. Primero avisamos a los voluntarios de turno (joven)"
    )
    assert len(texts_to(settings, CARA, "relay")) == 1
    assert texts_to(settings, BEN, "relay") == []


def test_talk_veteran_with_nobody_on_shift_is_the_plain_call_back(
    twilio: TwilioPoster, settings: Settings
) -> None:
    with travel(OFF_SHIFT, tick=False):
        add_volunteer(settings, ANA, tags="veterans")
        (reply,) = sms_texts(twilio.sms(MEMBER, "TALK veteran"))
        (plain,) = sms_texts(twilio.sms("+14155550189", "TALK"))
    assert reply == plain
    with session_scope() as session:
        assert session.scalars(select(RelayConversation)).all() == []
        assert session.scalars(select(SupportCase.kind)).all() == ["talk", "talk"]
