"""The masked callback: signed posts to the bridge route through the real app."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.cases import open_support_case, take_case
from hotline.catalogs import catalog
from hotline.db import session_scope
from hotline.models import AuditEvent, Contact, Coordinator, SupportCase
from hotline.settings import Settings
from tests.people import add_contact
from tests.twilio import LINE_NUMBER, TwilioPoster, new_sid

MEMBER = "+15557770042"
RESPONDER = "+15558880042"
OTHER = "+15558880043"


@pytest.fixture()
def poster(twilio: TwilioPoster) -> TwilioPoster:
    """Signed posts through the real app, where the bridge routes are mounted."""
    return twilio


@pytest.fixture()
def case_id(database: Engine, settings: Settings) -> int:
    """An imminent case taken by the responder; a second responder exists too."""
    member = add_contact(settings, MEMBER)
    ids = []
    for name, number in (("Ana", RESPONDER), ("Ben", OTHER)):
        contact_id = add_contact(settings, number)
        with session_scope() as session:
            coordinator = Coordinator(contact_id=contact_id, display_name=name, oncall=True)
            session.add(coordinator)
            session.flush()
            ids.append(coordinator.id)
    with session_scope() as session:
        case = open_support_case(
            session=session, contact_id=member, kind="crisis", level="imminent", source="sms"
        )
        take_case(session=session, case_id=case.id, coordinator_id=ids[0], now=clock.now())
        return case.id


def answered(poster: TwilioPoster, path: str, to: str) -> ET.Element:
    fields = poster.call_fields(LINE_NUMBER, new_sid("CA"), To=to, Called=to)
    fields.update(Direction="outbound-api", From=LINE_NUMBER, Caller=LINE_NUMBER)
    response = poster.post(path, fields)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ET.fromstring(response.text)


def test_the_responder_is_bridged_to_the_member_behind_the_line_number(
    poster: TwilioPoster, case_id: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        root = answered(poster, f"/twilio/voice/outbound/bridge/{case_id}", RESPONDER)
    (dial,) = root.iter("Dial")
    assert dial.get("callerId") == LINE_NUMBER
    assert [number.text for number in dial.iter("Number")] == [MEMBER]
    says = ["".join(say.itertext()) for say in root.iter("Say")]
    assert says[0] == f"Connecting you to case {case_id} through the hotline."
    assert MEMBER not in caplog.text
    assert MEMBER[2:] not in caplog.text
    with session_scope() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "bridge_connected" in actions


@pytest.mark.parametrize("path", ["bridge", "alert"])
def test_unsigned_posts_are_forbidden(poster: TwilioPoster, case_id: int, path: str) -> None:
    fields = poster.call_fields(LINE_NUMBER, new_sid("CA"), To=RESPONDER)
    url = f"/twilio/voice/outbound/{path}/{case_id}"
    assert poster.post(url, fields, signed=False).status_code == 403


def test_only_the_responder_holding_the_case_is_bridged(poster: TwilioPoster, case_id: int) -> None:
    root = answered(poster, f"/twilio/voice/outbound/bridge/{case_id}", OTHER)
    assert list(root.iter("Dial")) == []
    assert list(root.iter("Hangup"))
    assert MEMBER not in ET.tostring(root, encoding="unicode")


def test_a_closed_or_unknown_case_is_not_bridged(poster: TwilioPoster, case_id: int) -> None:
    with session_scope() as session:
        row = session.get(SupportCase, case_id)
        assert row is not None
        row.status = "closed"
    for target in (case_id, case_id + 1000):
        root = answered(poster, f"/twilio/voice/outbound/bridge/{target}", RESPONDER)
        assert list(root.iter("Dial")) == []
        says = ["".join(say.itertext()) for say in root.iter("Say")]
        assert says == [f"Case {target} is closed. Goodbye."]


def test_the_alert_call_reads_the_case_and_level_twice(poster: TwilioPoster, case_id: int) -> None:
    with session_scope() as session:
        row = session.get(SupportCase, case_id)
        assert row is not None
        row.status, row.acked_by_id = "open", None
    root = answered(poster, f"/twilio/voice/outbound/alert/{case_id}", OTHER)
    says = ["".join(say.itertext()) for say in root.iter("Say")]
    assert len(says) == 2
    assert says[0] == says[1]
    assert f"Crisis case {case_id}, level imminent" in says[0]
    assert MEMBER[2:] not in ET.tostring(root, encoding="unicode")


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_staff_leg_says_in_the_catalogs_language_and_voice(
    poster: TwilioPoster, case_id: int, language: str
) -> None:
    with session_scope() as session:
        for contact in session.scalars(select(Contact).where(Contact.id != _member_id(session))):
            contact.language = language
    words = catalog(language)
    expected = {(words.t("voice.say_language"), words.t("voice.say_voice"))}
    bridged = answered(poster, f"/twilio/voice/outbound/bridge/{case_id}", RESPONDER)
    refused = answered(poster, f"/twilio/voice/outbound/bridge/{case_id}", OTHER)
    with session_scope() as session:
        row = session.get(SupportCase, case_id)
        assert row is not None
        row.status, row.acked_by_id = "open", None
    alerted = answered(poster, f"/twilio/voice/outbound/alert/{case_id}", OTHER)
    for root in (bridged, refused, alerted):
        says = list(root.iter("Say"))
        assert says
        assert {(say.get("language"), say.get("voice")) for say in says} == expected
    assert "".join(bridged.find("Say").itertext()) == words.t(  # type: ignore[union-attr]
        "cases.bridge_connecting", case_id=case_id
    )


def _member_id(session: Session) -> int:
    case = session.scalars(select(SupportCase)).one()
    return case.contact_id
