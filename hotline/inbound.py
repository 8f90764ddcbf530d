"""Inbound texts' records: one row per MessageSid, whoever writes it first."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hotline import clock
from hotline.models import InboundMessage


def record_inbound(
    *,
    session: Session,
    message_sid: str,
    contact_id: int,
    body: str,
    reply_twiml: str,
    crisis_level: str = "none",
    limited: str | None = None,
) -> bool:
    """Record a text and the reply it got; False when its MessageSid was already recorded.

    One INSERT … ON CONFLICT DO NOTHING: no savepoint and no ORM flush, so a retried webhook
    racing the first one is told apart by the unique key in a single statement.
    """
    statement = _insert(session.get_bind().dialect.name)
    values = {
        "message_sid": message_sid,
        "contact_id": contact_id,
        "body": body,
        "reply_twiml": reply_twiml,
        "crisis_level": crisis_level,
        "limited": limited,
        "received_at": clock.now(),
    }
    # Core on the session's connection: the same transaction, without the ORM's execute.
    return bool(session.connection().execute(statement, values).rowcount)


@functools.cache
def _insert(dialect_name: str) -> Any:
    """The INSERT … ON CONFLICT DO NOTHING, built once per dialect (building costs more than
    running it)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(InboundMessage).on_conflict_do_nothing(index_elements=["message_sid"])
