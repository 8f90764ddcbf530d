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


def add_staff(
    settings: Settings, number: str, role: str, *, name: str = "Staff", tier: int = 1
) -> int:
    """Add a staff member the way `hotline staff add` does; return their staff id."""
    from hotline import roster

    with session_scope() as session:
        change = roster.StaffChange(name=name, phone=number, role=role, tier=tier)
        return roster.add_staff(session=session, settings=settings, change=change, actor="test").id
