"""Contacts: find or create by number through the keyed index; opt-out and language."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hotline import clock
from hotline.models import Contact
from hotline.phones import PhoneVault, country_of
from hotline.places import zone_for_number

# Built once: building an ORM statement costs about what running it does.
_BY_HASH = select(Contact).where(Contact.phone_hash == bindparam("phone_hash"))


def get_contact_by_phone(*, session: Session, vault: PhoneVault, e164: str) -> Contact | None:
    return session.scalars(_BY_HASH, {"phone_hash": vault.index(e164)}).first()


def get_or_create_contact(
    *, session: Session, vault: PhoneVault, e164: str, language: str = "en"
) -> Contact:
    """Return the contact for a number, creating it (race-safe) on first contact."""
    contact = get_contact_by_phone(session=session, vault=vault, e164=e164)
    if contact is not None:
        return contact
    return create_contact(session=session, vault=vault, e164=e164, language=language)


def create_contact(
    *, session: Session, vault: PhoneVault, e164: str, language: str = "en"
) -> Contact:
    """Create the contact for a number just looked up and not found (race-safe).

    One INSERT … ON CONFLICT DO NOTHING RETURNING (no savepoint around an ORM flush): the row
    comes back as the session's object; when another request created it between our select
    and this insert, nothing comes back and theirs is read.
    """
    values = {
        "phone_hash": vault.index(e164),
        "phone_encrypted": vault.encrypt(e164),
        "language": language,
        "country": country_of(e164) or "US",
        "time_zone": zone_for_number(e164),
    }
    created: Contact | None = session.scalars(
        _insert(session.get_bind().dialect.name), [values]
    ).first()
    if created is not None:
        return created
    found = get_contact_by_phone(session=session, vault=vault, e164=e164)
    assert found is not None
    return found


@functools.cache
def _insert(dialect_name: str) -> Any:
    """The contact's INSERT … ON CONFLICT DO NOTHING RETURNING, built once per dialect."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(Contact)
        .on_conflict_do_nothing(index_elements=["phone_hash"])
        .returning(Contact)
    )


def opt_out(*, contact: Contact) -> None:
    if contact.opted_out_at is None:
        contact.opted_out_at = clock.now()


def opt_in(*, contact: Contact) -> None:
    contact.opted_out_at = None
