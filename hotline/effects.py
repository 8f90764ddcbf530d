"""The one applier of the effects SMS and voice share (hotline/flows/effects.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline import subscriptions
from hotline.flows.effects import SetLanguage, Shared, Subscribe
from hotline.models import Contact


def apply_shared(effect: Shared, *, session: Session, contact: Contact) -> None:
    match effect:
        case SetLanguage(language):
            contact.language = language
        case Subscribe(meeting_id, channel):
            subscriptions.subscribe(
                session=session, contact_id=contact.id, meeting_id=meeting_id, channel=channel
            )
