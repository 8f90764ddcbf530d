"""SQLite's write turn: session_scope takes it at BEGIN, write_late_scope at its first write."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from hotline import db
from hotline.contacts import create_contact
from hotline.models import Contact
from hotline.phones import vault_for

VAULT = vault_for("turns-test-secret-key-0123456789")


def test_a_write_late_session_holds_no_turn_until_it_writes(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path}/turns.db")
    db.upgrade(engine)
    wrote = threading.Event()

    def write_meanwhile() -> None:
        with db.session_scope(engine) as other:
            create_contact(session=other, vault=VAULT, e164="+14155550101")
        wrote.set()

    with db.write_late_scope(engine) as session:
        assert session.scalar(select(func.count(Contact.id))) == 0
        writer = threading.Thread(target=write_meanwhile)
        writer.start()
        writer.join(10)
        assert wrote.is_set()  # the reading session held neither the turn nor the lock
        create_contact(session=session, vault=VAULT, e164="+14155550102")
    with db.session_scope(engine) as session:
        assert session.scalar(select(func.count(Contact.id))) == 2
    engine.dispose()
