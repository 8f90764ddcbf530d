"""The one applier of the effects SMS and voice share (hotline/flows/effects.py)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from hotline import subscriptions
from hotline.cases import open_support_case
from hotline.flows.effects import RequestCallback, SetLanguage, Shared, Subscribe, Unsubscribe
from hotline.logs import log
from hotline.models import Contact

logger = logging.getLogger(__name__)


def apply_shared(effect: Shared, *, session: Session, contact: Contact, channel: str) -> None:
    """Apply one shared effect for the member; `channel` ("sms", "voice") is where they asked."""
    match effect:
        case SetLanguage(language):
            contact.language = language
        case Subscribe(meeting_id, reminders_by):
            subscriptions.subscribe(
                session=session, contact_id=contact.id, meeting_id=meeting_id, channel=reminders_by
            )
        case Unsubscribe(meeting_id):
            ended = subscriptions.end_subscription(
                session=session, contact_id=contact.id, meeting_id=meeting_id
            )
            if ended:
                log(
                    logger,
                    "subscription_ended",
                    contact_id=contact.id,
                    meeting_id=meeting_id,
                    source=channel,
                )
        case RequestCallback():
            open_support_case(
                session=session, contact_id=contact.id, kind="talk", level="talk", source=channel
            )
