"""create_contact: one INSERT … ON CONFLICT DO NOTHING RETURNING, race-safe, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from hotline import db
from hotline.contacts import create_contact, get_contact_by_phone, opt_out
from hotline.models import Contact
from hotline.phones import vault_for
from hotline.settings import Settings


def test_a_new_contact_is_the_sessions_own_row_with_its_defaults(settings: Settings) -> None:
    vault = vault_for(settings.secret_key)
    with db.session_scope() as session:
        contact = create_contact(session=session, vault=vault, e164="+14155550177", language="es")
        assert contact in session and contact.id is not None
        assert contact.created_at is not None and contact.can_sms is True
        assert (contact.language, contact.country) == ("es", "US")
        opt_out(contact=contact)  # a change to it is written at commit, like any loaded row
    with db.session_scope() as session:
        found = get_contact_by_phone(session=session, vault=vault, e164="+14155550177")
        assert found is not None and found.id == contact.id
        assert found.opted_out_at is not None and found.language == "es"
        assert vault.decrypt(found.phone_encrypted) == "+14155550177"


def test_a_number_created_meanwhile_is_read_not_inserted_twice(
    settings: Settings, database: Engine
) -> None:
    vault = vault_for(settings.secret_key)
    with db.session_scope() as first:
        theirs = create_contact(session=first, vault=vault, e164="+14155550178")
    with db.session_scope() as session:  # looked up before theirs, inserting after it
        ours = create_contact(session=session, vault=vault, e164="+14155550178", language="es")
        assert ours.id == theirs.id and ours.language == "en"
        session.flush()  # the transaction is still usable after the conflict
    with db.session_scope() as session:
        count = session.scalar(select(func.count(Contact.id)).where(Contact.id == theirs.id))
        assert count == 1
