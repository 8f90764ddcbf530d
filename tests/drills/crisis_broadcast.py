"""A crisis text arriving while a broadcast is going out: when does the on-call alert leave?

Shared by the drill (tests/drills/test_crisis_during_broadcast.py) and the bench
(bench/crisis_during_broadcast.py): members and an on-call responder in the database,
`hotline worker` processes sending to the loopback Twilio stand-in, crisis texts posted as
signed webhooks to the real app, and the stand-in's record of when each text reached "Twilio".
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from sqlalchemy import Engine, insert

from hotline.db import session_scope
from hotline.jobs.broadcast import confirm_broadcast, prepare_broadcast
from hotline.models import Contact, Coordinator
from hotline.phones import vault_for
from tests.clock import daytime_zone
from tests.twilio import TwilioPoster
from tests.twilio_standin import TwilioStandIn

RESPONDER = "+15550109999"
CRISIS_TEXT = "i want to kill myself tonight"
_members = itertools.count(1)


def add_responder(engine: Engine, secret_key: str) -> None:
    """Put one responder on call (tier 1), in a zone where it is daytime."""
    vault = vault_for(secret_key)
    with engine.begin() as conn:
        contact_id = conn.execute(
            insert(Contact)
            .values(
                phone_hash=vault.index(RESPONDER),
                phone_encrypted=vault.encrypt(RESPONDER),
                time_zone=daytime_zone(),
            )
            .returning(Contact.id)
        ).scalar_one()
        conn.execute(
            insert(Coordinator).values(
                contact_id=contact_id, display_name="On call", role="responder", oncall=True
            )
        )


def start_broadcast(meeting_id: int, body: str) -> int:
    """Confirm a broadcast to every member of a meeting, as a coordinator's YES does."""
    with session_scope() as session:
        broadcast = prepare_broadcast(
            session=session, coordinator_id=None, meeting_id=meeting_id, body=body
        )
        confirm_broadcast(session=session, broadcast_id=broadcast.id)
        return broadcast.id


def broadcast_sends(standin: TwilioStandIn, body: str) -> list[float]:
    """When each broadcast text reached the stand-in (monotonic seconds)."""
    return [r.at for r in standin.sent() if r.fields.get("Body") == body]


def wait_for_sends(standin: TwilioStandIn, body: str, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(broadcast_sends(standin, body)) >= count:
            return True
        time.sleep(0.05)
    return False


@dataclass(frozen=True)
class Alert:
    posted: float  # the crisis text was posted (monotonic)
    answered: float  # the webhook answered
    sent: float | None  # the responder's alert reached the stand-in; None if it never did

    @property
    def seconds(self) -> float | None:
        return None if self.sent is None else self.sent - self.posted


def crisis_alert(twilio: TwilioPoster, standin: TwilioStandIn, timeout: float = 30.0) -> Alert:
    """Post one crisis text from a new member and wait for the responder's alert text."""
    before = len(_alerts(standin))
    member = f"+1415777{next(_members):04d}"
    posted = time.monotonic()
    response = twilio.sms(member, CRISIS_TEXT)
    answered = time.monotonic()
    assert response.status_code == 200 and "988" in response.text, response.text
    deadline = posted + timeout
    while time.monotonic() < deadline:
        alerts = _alerts(standin)
        if len(alerts) > before:
            return Alert(posted, answered, alerts[before])
        time.sleep(0.01)
    return Alert(posted, answered, None)


def _alerts(standin: TwilioStandIn) -> list[float]:
    return [r.at for r in standin.sent() if r.fields.get("To") == RESPONDER]
