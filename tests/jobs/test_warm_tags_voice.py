"""Asking for a kind of peer by voice, and each volunteer's leg ringing only so long.

Signed webhooks through the real app; the volunteers' calls go through the real sender to
Prism serving Twilio's spec (which checks the `Timeout` field) or to the loopback stand-in
(which records the fields it was sent).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline.db import session_scope
from hotline.jobs.sender import send_outbox
from hotline.models import AuditEvent, OutboxMessage, Priority, WarmCall
from hotline.outbox import queue_call
from hotline.settings import Settings
from hotline.transport.twilio_rest import TwilioTransport
from tests.clock import travel
from tests.jobs.conftest import UseSettings
from tests.people import add_contact
from tests.twilio import TwilioPoster
from tests.twilio_standin import TwilioStandIn
from tests.warm.people import ON_SHIFT, add_volunteer, calls_to
from tests.web.test_voice_caller import Caller, path_of

CALLER = "+14155550171"
ANA = "+14155550191"  # a veteran
BEN = "+14155550192"


@pytest.fixture()
def shift() -> Iterator[time_machine.Traveller]:
    with travel(ON_SHIFT, tick=False) as traveller:
        yield traveller


def _line(use_settings: UseSettings, url: str, tag_menu: tuple[str, ...] = ()) -> Settings:
    base = use_settings()
    rules = dataclasses.replace(base.warm, tag_menu=tag_menu)
    settings = use_settings(
        transport="twilio", twilio_api_url=url, segments_per_second=100.0, warm=rules
    )
    add_volunteer(settings, ANA, name="Ana", tags="veterans")
    add_volunteer(settings, BEN, name="Ben")
    return settings


def _wait(caller: Caller, seconds: int = 0) -> ET.Element:
    enqueue = caller.responses[-1]
    queued = ET.fromstring(enqueue.text).find("Enqueue")
    assert queued is not None
    return caller.post(path_of(queued.get("waitUrl", "")), QueueTime=str(seconds))


def _entry() -> WarmCall:
    with session_scope() as session:
        entry = session.scalars(select(WarmCall)).one()
        session.expunge(entry)
        return entry


def test_saying_a_veteran_rings_the_veteran_first_then_every_peer_and_the_caller_hears_so(
    twilio: TwilioPoster,
    use_settings: UseSettings,
    prism_dynamic_url: str,
    shift: time_machine.Traveller,
) -> None:
    settings = _line(use_settings, prism_dynamic_url)
    caller = Caller(twilio, CALLER)
    caller.start()
    caller.press("1")
    caller.press(speech="I'd like to talk to a veteran")
    assert "I will look for a veteran volunteer for you first." in caller.says()
    assert caller.root.find("Enqueue") is not None
    entry = _entry()
    assert entry.tag == "veterans"
    path = f"outbound/warm/{entry.id}"

    _wait(caller)
    assert (calls_to(settings, ANA), calls_to(settings, BEN)) == ([path], [])
    assert "have not answered" not in caller.says()
    shift.shift(dt.timedelta(seconds=settings.warm.ring_seconds))
    waiting = caller.responses[-2]
    caller.responses.append(waiting)  # the queue's wait URL again
    _wait(caller, settings.warm.ring_seconds)
    assert calls_to(settings, BEN) == [path]
    assert caller.says().startswith(
        "The veteran volunteers on shift have not answered, so we are ringing other peers too."
    )
    with session_scope() as session:
        trail = session.execute(
            select(AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.subject_type == "warm_call")
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(row) for row in trail] == [
        ("warm_queued", {"tag": "veterans"}),
        ("warm_widened", {"tag": "veterans", "rung": 1}),
    ]
    for outbox_id in _warm_rows():
        send_outbox(outbox_id)
    with session_scope() as session:
        statuses = session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "call"))
        assert set(statuses) == {"sent"}


def _warm_rows() -> list[int]:
    with session_scope() as session:
        return list(
            session.scalars(select(OutboxMessage.id).where(OutboxMessage.purpose == "warm"))
        )


@contextlib.contextmanager
def _app(settings: Settings) -> Iterator[TwilioPoster]:
    """The real app built with these settings (the `twilio` fixture's has the defaults)."""
    from hotline.web.app import create_app

    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield TwilioPoster(client, settings)


def test_the_sub_menu_offers_the_configured_tags_and_says_when_none_is_on_shift(
    use_settings: UseSettings, prism_url: str, shift: time_machine.Traveller
) -> None:
    settings = _line(use_settings, prism_url, tag_menu=("veterans", "lgbtq"))
    with _app(settings) as twilio:
        _sub_menu(twilio, settings)


def _sub_menu(twilio: TwilioPoster, settings: Settings) -> None:
    caller = Caller(twilio, CALLER)
    caller.start()
    caller.press("1")
    caller.press("2")
    assert caller.says() == (
        "To talk with the first peer who is free, press 1, or stay on the line. "
        "For a veteran volunteer, press 2. For a L G B T Q volunteer, press 3."
    )
    caller.press("3")
    assert "No L G B T Q volunteer is on shift now, so I am connecting you with a peer." in (
        caller.says()
    )
    _wait(caller)
    path = f"outbound/warm/{_entry().id}"
    assert (calls_to(settings, ANA), calls_to(settings, BEN)) == ([path], [path])


def test_silence_at_the_sub_menu_queues_for_anyone(
    use_settings: UseSettings, prism_url: str, shift: time_machine.Traveller
) -> None:
    settings = _line(use_settings, prism_url, tag_menu=("veterans",))
    with _app(settings) as twilio:
        caller = Caller(twilio, CALLER)
        caller.start()
        caller.press("1")
        caller.press("2")
        assert caller.gather().get("actionOnEmptyResult") == "true"
        caller.press()
    assert caller.root.find("Enqueue") is not None
    assert _entry().tag is None


def test_a_volunteers_leg_stops_ringing_after_leg_ring_seconds_and_prism_accepts_it(
    use_settings: UseSettings, prism_url: str
) -> None:
    settings = use_settings(transport="twilio", twilio_api_url=prism_url)
    transport = TwilioTransport(settings)
    sid = transport.start_call(
        ANA,
        "https://line.example/twilio/voice/outbound/warm/1",
        "https://line.example/s",
        ring_seconds=20,
    )
    assert sid.startswith("CA")
    sent = transport._client.http_client._test_only_last_request
    assert sent is not None and sent.data is not None
    assert sent.data["Timeout"] == 20
    transport.start_call(ANA, "https://line.example/x", "https://line.example/s")
    sent = transport._client.http_client._test_only_last_request
    assert sent is not None and sent.data is not None
    assert "Timeout" not in sent.data


def test_the_sender_gives_warm_legs_their_ring_timeout_and_other_calls_none(
    use_settings: UseSettings, standin: TwilioStandIn
) -> None:
    base = use_settings()
    settings = use_settings(
        transport="twilio",
        twilio_api_url=standin.url,
        segments_per_second=1000.0,
        warm=dataclasses.replace(base.warm, leg_ring_seconds=18),
    )
    contact_id = add_contact(settings, ANA)
    with session_scope() as session:
        # Queued as the line queues them (hotline/warm/calls._ring, sms/coordinator's CALL):
        # urgent and past quiet hours, so the test holds at any hour.
        ids = [
            queue_call(
                session=session,
                contact_id=contact_id,
                call_path=path,
                purpose=purpose,
                priority=Priority.URGENT,
                ignore_quiet_hours=True,
            ).id
            for path, purpose in (("outbound/warm/5", "warm"), ("outbound/bridge/5", "bridge"))
        ]
    for outbox_id in ids:
        send_outbox(outbox_id)
    warm, bridge = (request.fields for request in standin.sent("Calls"))
    assert warm["Timeout"] == "18"
    assert warm["Url"].endswith("/twilio/voice/outbound/warm/5")
    assert "Timeout" not in bridge
