"""Reminder subscriptions (a contact x a meeting) and the opt-out that silences them all."""

from __future__ import annotations

import logging

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from hotline import clock
from hotline.logs import log
from hotline.models import Meeting, Subscription

logger = logging.getLogger(__name__)


_ACTIVE = select(Subscription).where(
    Subscription.contact_id == bindparam("contact_id"),
    Subscription.meeting_id == bindparam("meeting_id"),
    Subscription.ended_at.is_(None),
)


def get_active_subscription(
    *, session: Session, contact_id: int, meeting_id: int
) -> Subscription | None:
    values = {"contact_id": contact_id, "meeting_id": meeting_id}
    return session.scalars(_ACTIVE, values).first()


def subscribe(
    *, session: Session, contact_id: int, meeting_id: int, channel: str = "sms"
) -> Subscription:
    """Start reminders by text or call, restart ended ones, or switch their channel."""
    statement = select(Subscription).where(
        Subscription.contact_id == contact_id, Subscription.meeting_id == meeting_id
    )
    row = session.scalars(statement).first()
    if row is None:
        row = Subscription(contact_id=contact_id, meeting_id=meeting_id, channel=channel)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            # A retried or parallel request created it first: one row per pair, so update that.
            row = session.scalars(statement).one()
    if row.ended_at is not None:
        row.created_at = clock.now()  # a new run of reminders: the tick treats it as new
    row.channel, row.ended_at = channel, None
    log(logger, "subscribed", contact_id=contact_id, meeting_id=meeting_id, channel=channel)
    return row


def end_subscription(*, session: Session, contact_id: int, meeting_id: int) -> bool:
    """End reminders for a meeting; return False when there were none."""
    row = get_active_subscription(session=session, contact_id=contact_id, meeting_id=meeting_id)
    if row is None:
        return False
    row.ended_at = clock.now()
    return True


def list_subscribed_meetings(*, session: Session, contact_id: int) -> list[Meeting]:
    """Return the meetings a contact gets reminders for, oldest subscription first."""
    statement = (
        select(Meeting)
        .join(Subscription, Subscription.meeting_id == Meeting.id)
        .where(Subscription.contact_id == contact_id, Subscription.ended_at.is_(None))
        .options(selectinload(Meeting.group))
        .order_by(Subscription.created_at, Subscription.id)
    )
    return list(session.scalars(statement))
