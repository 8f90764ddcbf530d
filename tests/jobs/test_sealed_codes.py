"""Sign-in codes never land in the database: the outbox keeps a stand-in, the sender the code."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from redis import Redis
from sqlalchemy import String, Text, select

from hotline import admin_auth
from hotline.db import session_scope
from hotline.jobs.sender import send_outbox
from hotline.models import Base, Coordinator, OutboxMessage
from hotline.phones import vault_for
from hotline.settings import Settings
from tests.jobs.conftest import UseSettings
from tests.jobs.factories import make_contact
from tests.twilio_standin import TwilioStandIn

DAYTIME = dt.datetime(2025, 3, 5, 18, 0, tzinfo=dt.UTC)


def _every_text_value() -> list[str]:
    """Every string in every table, the way someone reading a database dump would see them."""
    found: list[str] = []
    with session_scope() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if columns:
                for row in session.execute(select(*columns)):
                    found.extend(str(value) for value in row if value is not None)
    return found


def _ask_code(settings: Settings, redis: Redis) -> int:
    with session_scope() as session:
        contact = make_contact(session, settings)
        staff = Coordinator(contact_id=contact.id, display_name="Dana")
        session.add(staff)
        session.flush()
        e164 = vault_for(settings.secret_key).decrypt(contact.phone_encrypted)
        admin_auth.request_code(
            session=session,
            settings=settings,
            redis=redis,
            pending=admin_auth.pending_key(settings=settings, e164=e164),
            e164=e164,
            address="198.51.100.7",
        )
        return session.scalars(select(OutboxMessage.id)).one()


@time_machine.travel(DAYTIME, tick=True)
def test_the_code_is_texted_but_never_stored(
    use_settings: UseSettings, standin: TwilioStandIn, redis: Redis
) -> None:
    outbox_id = _ask_code(use_settings(transport="twilio", twilio_api_url=standin.url), redis)
    with session_scope() as session:
        row = session.get_one(OutboxMessage, outbox_id)
        assert row.body is not None and not re.search(r"[0-9]", row.body)
        assert row.segments == 1
    send_outbox(outbox_id)
    (request,) = standin.requests
    code = re.search(r"\b([0-9]{6})\b", request.fields["Body"])
    assert code is not None, request.fields["Body"]
    with session_scope() as session:
        assert session.get_one(OutboxMessage, outbox_id).status == "sent"
    values = _every_text_value()
    assert not any(code.group(1) in value for value in values)
    assert request.fields["Body"] not in values


@time_machine.travel(DAYTIME, tick=True)
def test_an_expired_code_text_fails_instead_of_sending_the_stand_in(
    use_settings: UseSettings, standin: TwilioStandIn, redis: Redis
) -> None:
    outbox_id = _ask_code(use_settings(transport="twilio", twilio_api_url=standin.url), redis)
    redis.delete(f"hotline:sealed:{outbox_id}")
    send_outbox(outbox_id)
    assert standin.requests == []
    with session_scope() as session:
        row = session.get_one(OutboxMessage, outbox_id)
        assert (row.status, row.error_reason) == ("failed", "body_missing")
