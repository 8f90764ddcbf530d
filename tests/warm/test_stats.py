"""The warm line's figures for a period, from the rows."""

from __future__ import annotations

import datetime as dt

from hotline.db import session_scope
from hotline.models import RelayConversation, WarmCall
from hotline.settings import Settings
from hotline.warm import stats as warm_stats
from tests.people import add_contact
from tests.warm.people import ON_SHIFT


def test_answered_abandoned_and_the_median_wait_for_a_period(settings: Settings) -> None:
    member = add_contact(settings, "+14155550181")
    rows = [
        ("bridged", 30),
        ("bridged", 90),
        ("bridged", 150),
        ("abandoned", None),
        ("voicemail", None),
    ]
    with session_scope() as session:
        for index, (status, waited) in enumerate(rows):
            answered = ON_SHIFT + dt.timedelta(seconds=waited) if waited is not None else None
            session.add(
                WarmCall(
                    call_sid=f"CA{index:032x}",
                    contact_id=member,
                    status=status,
                    rung=[],
                    entered_at=ON_SHIFT,
                    answered_at=answered,
                )
            )
        # A call a week earlier is outside the period.
        session.add(
            WarmCall(
                call_sid="CA" + "f" * 32,
                contact_id=member,
                status="abandoned",
                rung=[],
                entered_at=ON_SHIFT - dt.timedelta(days=7),
            )
        )
        session.add(RelayConversation(contact_id=member, opened_at=ON_SHIFT, closed_by="idle"))
    with session_scope() as session:
        report = warm_stats.warm_report(
            session=session,
            since=ON_SHIFT - dt.timedelta(days=1),
            until=ON_SHIFT + dt.timedelta(hours=1),
        )
    assert (report.answered, report.abandoned, report.calls["voicemail"]) == (3, 1, 1)
    assert report.median_wait_seconds == 90.0
    assert report.texts == {"idle": 1}
