"""Purge message bodies older than the retention period; rows (and their outcomes) stay."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from sqlalchemy import CursorResult, Result, update

from hotline import clock
from hotline import settings as settings_module
from hotline.db import session_scope
from hotline.logs import log
from hotline.models import Broadcast, InboundMessage, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)
# A body still waiting to be sent is not purged: it would turn a late send into a lost one.
_UNSENT = (OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value)


def purge_bodies(now: dt.datetime | None = None) -> int:
    """Null the bodies of inbound, outbound and broadcast messages past retention; return count."""
    days = settings_module.get_settings().body_retention_days
    cutoff = (now or clock.now()) - dt.timedelta(days=days)
    with session_scope() as session:
        inbound = _count(
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.received_at < cutoff, InboundMessage.body.is_not(None))
                .values(body=None, reply_twiml=None)
            )
        )
        outbound = _count(
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.created_at < cutoff,
                    OutboxMessage.body.is_not(None),
                    OutboxMessage.status.not_in(_UNSENT),
                )
                .values(body=None)
            )
        )
        broadcasts = _count(
            session.execute(
                update(Broadcast)
                .where(Broadcast.created_at < cutoff, Broadcast.body.is_not(None))
                .values(body=None)
            )
        )
    total = inbound + outbound + broadcasts
    if total:
        log(logger, "bodies_purged", inbound=inbound, outbound=outbound, broadcasts=broadcasts)
    return total


def _count(result: Result[Any]) -> int:
    return int(cast(CursorResult[Any], result).rowcount or 0)
