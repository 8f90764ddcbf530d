"""People the tests need on the line, made through the same code the webhooks use."""

from __future__ import annotations

from hotline.contacts import get_or_create_contact
from hotline.db import session_scope
from hotline.phones import vault_for
from hotline.settings import Settings


def add_contact(settings: Settings, number: str) -> int:
    """Return the id of the contact for an E.164 number, stored encrypted as in production."""
    with session_scope() as session:
        vault = vault_for(settings.secret_key)
        return get_or_create_contact(session=session, vault=vault, e164=number).id
