"""Rows for outbound-job tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from hotline.models import Contact, Group, Meeting, Subscription
from hotline.phones import vault_for
from hotline.settings import Settings
from tests.clock import daytime_zone

_numbers = iter(range(1000, 10**6))


def make_contact(session: Session, settings: Settings, **fields: Any) -> Contact:
    """A contact in a zone where it is now daytime, unless the test names another zone."""
    fields.setdefault("time_zone", daytime_zone())
    number = f"+1415555{next(_numbers) % 10000:04d}"
    vault = vault_for(settings.secret_key)
    contact = Contact(
        phone_hash=vault.index(number), phone_encrypted=vault.encrypt(number), **fields
    )
    session.add(contact)
    session.flush()
    return contact


def make_meeting(session: Session, *, code: str = "4821", **fields: Any) -> Meeting:
    group = Group(slug=f"group-{code}", name=f"Group {code}")
    session.add(group)
    session.flush()
    values: dict[str, Any] = {
        "weekday": 1,
        "start_time": dt.time(19, 0),
        "time_zone": "America/Los_Angeles",
        "format": "phone_bridge",
        "name": f"Meeting {code}",
    }
    values.update(fields)
    meeting = Meeting(group_id=group.id, slug=f"meeting-{code}", code=code, **values)
    session.add(meeting)
    session.flush()
    return meeting


def subscribe(session: Session, contact: Contact, meeting: Meeting, channel: str = "sms") -> int:
    sub = Subscription(contact_id=contact.id, meeting_id=meeting.id, channel=channel)
    session.add(sub)
    session.flush()
    return sub.id
