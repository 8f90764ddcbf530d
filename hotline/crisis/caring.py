"""Caring contacts: with the member's YES while their crisis case is open, one brief text a
day after it closes and one a week after (hotline/flows/crisis/caring.py decides when).

The question goes out when a responder takes the case; the texts are outbox rows due later,
so the sender's opt-out check at send time keeps "never after STOP".
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import audit
from hotline.catalogs import catalog
from hotline.flows.crisis.caring import caring_times
from hotline.flows.segments import count_segments
from hotline.flows.sms.keywords import tokenize
from hotline.logs import log
from hotline.models import (
    ACTIVE_CASE_STATUSES,
    CaringConsent,
    Contact,
    OutboxMessage,
    Priority,
    SupportCase,
)
from hotline.outbox import enqueue_row, queue_sms
from hotline.settings import Settings

logger = logging.getLogger(__name__)
_YES = {"yes", "y", "si", "ok", "okay", "sure"}
_KEYS = ("warm.caring.day", "warm.caring.week")


def ask(*, session: Session, case: SupportCase, now: dt.datetime) -> None:
    """Ask a member whose crisis case a responder just took whether we may check on them."""
    if case.kind != "crisis" or session.get(CaringConsent, case.id) is not None:
        return
    if case.danger == "violence":
        return  # a text nobody asked for, on a phone the person hurting them may read
    member = session.get(Contact, case.contact_id)
    if member is None or member.opted_out_at is not None or not member.can_sms:
        return
    session.add(CaringConsent(case_id=case.id, contact_id=member.id, asked_at=now))
    queue_sms(
        session=session,
        contact_id=member.id,
        body=catalog(member.language).t("warm.caring.ask"),
        purpose="caring",
        priority=Priority.URGENT,
        dedupe_key=f"caring:{case.id}:ask",
    )


def member_yes(*, session: Session, contact: Contact, body: str, now: dt.datetime) -> str | None:
    """A YES to the caring question while the case is open; None: not that."""
    if tokenize(body)[:1] not in ([word] for word in _YES) or len(tokenize(body)) > 2:
        return None
    consent = session.scalars(
        select(CaringConsent)
        .join(SupportCase, SupportCase.id == CaringConsent.case_id)
        .where(
            CaringConsent.contact_id == contact.id,
            CaringConsent.agreed_at.is_(None),
            SupportCase.status.in_(ACTIVE_CASE_STATUSES),
        )
        .order_by(CaringConsent.case_id.desc())
    ).first()
    if consent is None:
        return None
    consent.agreed_at = now
    audit.record(
        session=session,
        actor=f"contact:{contact.id}",
        action="caring_agreed",
        subject_type="case",
        subject_id=consent.case_id,
    )
    return catalog(contact.language).t("warm.caring.agreed")


def schedule(*, session: Session, settings: Settings, case: SupportCase, now: dt.datetime) -> int:
    """The case closed: queue the caring texts for later, if the member agreed; return how many."""
    consent = session.get(CaringConsent, case.id)
    member = session.get(Contact, case.contact_id)
    if consent is None or member is None or consent.scheduled_at is not None:
        return 0
    times = caring_times(
        closed_at=now,
        hours=settings.warm.caring_hours,
        agreed=consent.agreed_at is not None,
        opted_out=member.opted_out_at is not None,
    )
    words = catalog(member.language)
    for index, due in enumerate(times):
        body = words.t(_KEYS[min(index, len(_KEYS) - 1)])
        row = OutboxMessage(
            kind="sms",
            contact_id=member.id,
            body=body,
            purpose="caring",
            priority=Priority.DEFAULT.value,
            dedupe_key=f"caring:{case.id}:{index}",
            segments=count_segments(body).segments,
            next_attempt_at=due,
        )
        session.add(row)
        session.flush()
        enqueue_row(session, row)
    consent.scheduled_at = now
    log(logger, "caring_scheduled", case_id=case.id, texts=len(times))
    return len(times)
