"""/admin/reports through the real app: figures from real webhooks and rows, charts and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline.db import session_scope
from hotline.models import (
    AuditEvent,
    Contact,
    Coordinator,
    FindOutcome,
    Group,
    OutboxMessage,
    Room,
    RoomParticipant,
    Subscription,
    SupportCase,
    WarmCall,
)
from hotline.reports import WARM_COLUMNS
from hotline.settings import Settings
from tests.clock import travel
from tests.people import add_contact
from tests.twilio import TwilioPoster
from tests.web.test_admin import add_staff, sign_in
from tests.web.test_voice_caller import make_meeting

NOW = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)
PERIOD = "from=2026-03-09&to=2026-03-10"


@pytest.fixture()
def admin(client: TestClient) -> TestClient:
    client.base_url = "https://testserver"
    return client


def seed_the_period(settings: Settings, twilio: TwilioPoster) -> int:
    """Two finds by text (one with a group near, one without), cases, a join, a reminder."""
    meeting_id = make_meeting(fmt="in_person", latitude=37.7523, longitude=-122.4139)
    with travel(NOW, tick=False):
        twilio.sms("+15551110001", "FIND 94110")
        twilio.sms("+15551110002", "FIND 10027")
        twilio.sms("+15551110003", "FIND 10001")
    member = add_contact(settings, "+15551110004")
    opened = NOW - dt.timedelta(hours=2)
    with session_scope() as session:
        for ack_after, page_after in ((2, 1), (4, 1), (10, 3)):
            case = SupportCase(
                contact_id=member,
                kind="crisis",
                level="crisis",
                status="closed",
                opened_at=opened,
                acked_at=opened + dt.timedelta(minutes=ack_after),
            )
            session.add(case)
            session.flush()
            session.add(
                AuditEvent(
                    at=opened + dt.timedelta(minutes=page_after),
                    actor="system",
                    action="escalated",
                    subject_type="case",
                    subject_id=case.id,
                    detail={},
                )
            )
        room = Room(meeting_id=meeting_id, name="room-" + "c" * 32, status="ended")
        session.add(room)
        session.flush()
        session.add(
            RoomParticipant(
                room_id=room.id,
                call_sid="CA" + "1" * 32,
                label=1,
                joined_at=opened,
                left_at=opened + dt.timedelta(minutes=45),
            )
        )
        subscription = Subscription(contact_id=member, meeting_id=meeting_id)
        session.add(subscription)
        session.flush()
        # One row as the tick queues them now (its meeting on the row), one as it did before
        # 0012_outbox_refs (the subscription only in the dedupe key): both count.
        for lead, status, on_row in ((1440, "delivered", True), (60, "sent", False)):
            session.add(
                OutboxMessage(
                    contact_id=member,
                    body="reminder",
                    purpose="reminder",
                    status=status,
                    dedupe_key=f"reminder:{subscription.id}:20260310T1900Z:{lead}",
                    subscription_id=subscription.id if on_row else None,
                    meeting_id=meeting_id if on_row else None,
                    created_at=opened,
                )
            )
        contact = session.get(Contact, member)
        assert contact is not None
        contact.opted_out_at = opened
    return meeting_id


def test_report_figures_charts_and_csv(
    admin: TestClient, settings: Settings, twilio: TwilioPoster
) -> None:
    seed_the_period(settings, twilio)
    add_staff(settings)
    sign_in(admin)
    with session_scope() as session:
        outcomes = sorted((f.zip3, f.local_found) for f in session.scalars(select(FindOutcome)))
    assert outcomes == [("100", False), ("100", False), ("941", True)]

    page = admin.get(f"/admin/reports?{PERIOD}").text

    summary = page[page.index('id="summary"') : page.index("</dl>")]
    for label, value in (
        ("Texts in", 3),
        ("Finds", 3),
        ("Finds with no group near", 2),
        ("Reminders sent", 2),
        ("Reminders delivered", 1),
        ("Cases", 3),
        ("Opt-outs", 1),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in summary, label
    assert page.count("<svg") == 2 and "<rect" in page
    timings = page[page.index('id="report-timings"') :]
    # first page after 1, 1, 3 minutes; ACK after 2, 4, 10 (nearest-rank p90 is the 3rd of 3).
    assert '<td data-label="Median (min)">1.0</td>' in timings
    assert '<td data-label="90% within (min)">10.0</td>' in timings
    meetings = page[page.index('id="report-meetings"') :]
    assert '<td data-label="Minutes on the bridge">45</td>' in meetings
    assert '<td data-label="Reminders sent">2</td>' in meetings
    assert '<td data-label="Reminders delivered">1</td>' in meetings

    areas = admin.get(f"/admin/reports/areas.csv?{PERIOD}")
    assert areas.headers["content-type"].startswith("text/csv")
    assert (
        'filename="hotline-areas-2026-03-09-2026-03-10.csv"' in areas.headers["content-disposition"]
    )
    assert list(csv.reader(io.StringIO(areas.text))) == [
        ["zip3", "finds", "finds_no_group"],
        ["100", "2", "2"],
        ["941", "1", "0"],
    ]
    activity = list(
        csv.reader(io.StringIO(admin.get(f"/admin/reports/activity.csv?{PERIOD}").text))
    )
    assert activity[1:] == [["2026-03-09", "0", "0", "0", "0"], ["2026-03-10", "3", "0", "3", "2"]]


def test_reports_need_a_session_and_the_right_group(admin: TestClient, settings: Settings) -> None:
    assert admin.get("/admin/reports").url.path == "/admin/sign-in"
    assert admin.get("/admin/reports/areas.csv").status_code == 401
    make_meeting(code="4821")
    make_meeting(code="7734", name="Other Circle")
    staff_id = add_staff(settings)
    with session_scope() as session:
        mine, other = (
            session.scalars(select(Group.id).where(Group.slug == f"group-{code}")).one()
            for code in ("4821", "7734")
        )
        staff = session.get(Coordinator, staff_id)
        assert staff is not None
        staff.group_id = mine
    sign_in(admin)

    assert admin.get(f"/admin/reports?group={other}").status_code == 403
    assert admin.get(f"/admin/reports/meetings.csv?group={other}").status_code == 403
    own = admin.get("/admin/reports/meetings.csv").text
    assert "4821" in own and "7734" not in own
    assert admin.get("/admin/reports/nothing.csv").status_code == 404


def test_a_responder_cannot_open_reports(admin: TestClient, settings: Settings) -> None:
    staff_id = add_staff(settings)
    with session_scope() as session:
        staff = session.get(Coordinator, staff_id)
        assert staff is not None
        staff.role = "responder"
    sign_in(admin)
    assert admin.get("/admin/reports").status_code == 403


def _warm_calls(settings: Settings) -> None:
    """Four warm-line callers in the period (two answered after 30 s and 90 s), one before it."""
    caller = add_contact(settings, "+15551110009")
    entered = NOW - dt.timedelta(hours=1)
    with session_scope() as session:
        for n, (status, wait) in enumerate(
            (("bridged", 30), ("bridged", 90), ("abandoned", None), ("voicemail", None))
        ):
            session.add(
                WarmCall(
                    call_sid=f"CA{n:032d}",
                    contact_id=caller,
                    status=status,
                    entered_at=entered,
                    answered_at=entered + dt.timedelta(seconds=wait) if wait else None,
                )
            )
        session.add(
            WarmCall(
                call_sid="CA" + "9" * 32,
                contact_id=caller,
                status="bridged",
                entered_at=NOW - dt.timedelta(days=5),
                answered_at=NOW - dt.timedelta(days=5) + dt.timedelta(seconds=600),
            )
        )


def test_the_warm_line_figures_with_their_csv(admin: TestClient, settings: Settings) -> None:
    _warm_calls(settings)
    add_staff(settings)
    sign_in(admin)
    page = admin.get(f"/admin/reports?{PERIOD}").text
    warm = page[page.index('id="report-warm"') :]
    for label, value in (
        ("Callers who waited", 4),
        ("Answered by a volunteer", 2),
        ("Hung up while waiting", 1),
        ("Left for voicemail", 1),
        ("Median wait of answered callers (s)", 60),
    ):
        assert f'<td data-label="{label}">{value}</td>' in warm, label
    rows = list(csv.reader(io.StringIO(admin.get(f"/admin/reports/warm.csv?{PERIOD}").text)))
    assert rows[0][:3] == ["waited", "answered", "abandoned"] and len(rows) == 2
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        **dict.fromkeys(WARM_COLUMNS, "0"),
        **{"waited": "4", "answered": "2", "abandoned": "1", "to_voicemail": "1"},
        "median_wait_seconds": "60",
    }
    admin.get("/admin/language/es?next=/admin/reports")
    spanish = admin.get(f"/admin/reports?{PERIOD}").text
    assert "La línea de apoyo" in spanish and "Espera mediana de las atendidas (s)" in spanish


def test_the_group_filter_narrows_what_it_can_and_says_what_is_line_wide(
    admin: TestClient, settings: Settings, twilio: TwilioPoster
) -> None:
    seed_the_period(settings, twilio)  # its opt-out had joined meeting 4821
    make_meeting(code="7734", name="Other Circle")
    add_staff(settings)
    sign_in(admin)
    with session_scope() as session:
        mine, other = (
            session.scalars(select(Group.id).where(Group.slug == f"group-{code}")).one()
            for code in ("4821", "7734")
        )

    whole = admin.get(f"/admin/reports?{PERIOD}").text
    assert 'id="line-wide-' not in whole and "(whole line)" not in whole
    theirs = admin.get(f"/admin/reports?{PERIOD}&group={other}").text
    summary = theirs[theirs.index('id="summary"') : theirs.index("</dl>")]
    assert "<dt>Opt-outs</dt><dd>0</dd>" in summary  # not a member of that group
    assert '<dt>Texts in</dt><dd>3 <span class="muted line-wide">(whole line)</span>' in summary
    assert "<dt>Reminders sent</dt><dd>0</dd>" in summary
    for name in ("activity", "areas", "cases", "timings", "warm"):
        assert f'id="line-wide-{name}"' in theirs, name
    assert 'id="line-wide-meetings"' not in theirs
    meetings = theirs[theirs.index('id="report-meetings"') :]
    assert "7734" in meetings and "4821" not in meetings
    ours = admin.get(f"/admin/reports?{PERIOD}&group={mine}").text
    assert "<dt>Opt-outs</dt><dd>1</dd>" in ours
    csv_rows = admin.get(f"/admin/reports/meetings.csv?{PERIOD}&group={other}").text
    assert "7734" in csv_rows and "4821" not in csv_rows
