"""Reminders: exactly one row per subscription × occurrence × lead, across DST and races."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from redis import Redis
from sqlalchemy import select

from hotline import clock
from hotline.db import session_scope
from hotline.jobs import reminders
from hotline.jobs.scheduler import run_scheduler
from hotline.jobs.sender import send_outbox
from hotline.models import Group, MeetingCancellation, OutboxMessage, Subscription
from hotline.outbox import aware
from hotline.queues import get_queue
from hotline.settings import Settings
from hotline.subscriptions import end_subscription, subscribe
from tests.clock import travel
from tests.jobs.factories import make_contact, make_meeting
from tests.jobs.factories import subscribe as subscribe_row

UTC = dt.UTC


def _setup(settings: Settings, channel: str = "sms", **contact: str) -> int:
    # Sundays at 10:00 in Los Angeles; DST starts Sunday 9 March 2025 at 02:00.
    with session_scope() as session:
        meeting = make_meeting(session, weekday=6, start_time=dt.time(10, 0))
        return subscribe_row(session, make_contact(session, settings, **contact), meeting, channel)


def _keys() -> list[str]:
    with session_scope() as session:
        return sorted(k or "" for k in session.scalars(select(OutboxMessage.dedupe_key)))


def test_day_and_hour_reminders_across_spring_forward(settings: Settings) -> None:
    # A member in the meeting's own zone: its time is told with no zone named.
    sub = _setup(settings, time_zone="America/Los_Angeles")
    # 10:00 PDT on 9 March is 17:00 UTC; a week earlier 10:00 PST was 18:00 UTC.
    for when, created in [
        (dt.datetime(2025, 3, 1, 17, 59, tzinfo=UTC), 0),
        (dt.datetime(2025, 3, 1, 18, 0, tzinfo=UTC), 1),
        (dt.datetime(2025, 3, 8, 16, 59, tzinfo=UTC), 0),
        (dt.datetime(2025, 3, 8, 17, 0, tzinfo=UTC), 1),
        (dt.datetime(2025, 3, 8, 17, 1, tzinfo=UTC), 0),
        (dt.datetime(2025, 3, 9, 16, 0, tzinfo=UTC), 1),
        (dt.datetime(2025, 3, 9, 16, 30, tzinfo=UTC), 0),
    ]:
        with travel(when, tick=False):
            assert reminders.tick(when) == created, when
    assert _keys() == [
        f"reminder:{sub}:20250302T1800Z:1440",
        f"reminder:{sub}:20250309T1700Z:1440",
        f"reminder:{sub}:20250309T1700Z:60",
    ]
    with session_scope() as session:
        bodies = [row.body for row in session.scalars(select(OutboxMessage))]
    assert bodies[-1] == (
        "Reminder: Meeting 4821 (#4821) is Sun 10:00am. "
        "Text INFO 4821 for details, LEAVE 4821 to stop reminders."
    )


def test_late_subscriber_gets_only_the_nearest_reminder(settings: Settings) -> None:
    sub = _setup(settings)
    assert reminders.tick(dt.datetime(2025, 3, 9, 16, 40, tzinfo=UTC)) == 1
    assert _keys() == [f"reminder:{sub}:20250309T1700Z:60"]


def test_cancelled_occurrence_is_skipped(settings: Settings) -> None:
    sub = _setup(settings)
    with session_scope() as session:
        meeting_id = session.get_one(Subscription, sub).meeting_id
        session.add(MeetingCancellation(meeting_id=meeting_id, occurs_on=dt.date(2025, 3, 9)))
    assert reminders.tick(dt.datetime(2025, 3, 9, 16, 30, tzinfo=UTC)) == 0
    assert reminders.tick(dt.datetime(2025, 3, 15, 17, 0, tzinfo=UTC)) == 1
    assert _keys() == [f"reminder:{sub}:20250316T1700Z:1440"]


def test_voice_subscriber_gets_a_call(settings: Settings) -> None:
    sub = _setup(settings, channel="voice")
    reminders.tick(dt.datetime(2025, 3, 9, 16, 0, tzinfo=UTC))
    with session_scope() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
    assert (row.kind, row.call_path, row.body) == ("call", f"outbound/reminder/{sub}", None)


def test_group_lead_override_opt_out_and_ended_subscriptions(settings: Settings) -> None:
    with session_scope() as session:
        meeting = make_meeting(session, weekday=6, start_time=dt.time(10, 0))
        session.get_one(Group, meeting.group_id).reminder_lead_minutes = [30]
        keep = subscribe_row(session, make_contact(session, settings), meeting)
        subscribe_row(session, make_contact(session, settings, opted_out_at=clock.now()), meeting)
        ended = subscribe_row(session, make_contact(session, settings), meeting)
        session.get_one(Subscription, ended).ended_at = clock.now()
    assert reminders.tick(dt.datetime(2025, 3, 9, 16, 0, tzinfo=UTC)) == 0
    assert reminders.tick(dt.datetime(2025, 3, 9, 16, 30, tzinfo=UTC)) == 1
    assert _keys() == [f"reminder:{keep}:20250309T1700Z:30"]


def test_two_concurrent_ticks_create_each_reminder_once(settings: Settings) -> None:
    with session_scope() as session:
        meeting = make_meeting(session, weekday=6, start_time=dt.time(10, 0))
        subs = [subscribe_row(session, make_contact(session, settings), meeting) for _ in range(30)]
    now = dt.datetime(2025, 3, 9, 16, 0, tzinfo=UTC)
    barrier = threading.Barrier(2)
    created: list[int] = []

    def run() -> None:
        barrier.wait()
        created.append(reminders.tick(now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(created) == 30
    assert _keys() == sorted(f"reminder:{sub}:20250309T1700Z:60" for sub in subs)


def test_run_scheduler_once_ticks_reminders(settings: Settings) -> None:
    _setup(settings)
    with travel(dt.datetime(2025, 3, 9, 16, 0, 5, tzinfo=UTC), tick=False):
        run_scheduler(once=True)
    assert len(_keys()) == 1


def test_reminder_texts_fit_one_segment_in_every_language(settings: Settings) -> None:
    from hotline.flows.segments import count_segments

    with session_scope() as session:
        meeting = make_meeting(session, name="A very long meeting name " * 6)
        for language in ("en", "es"):
            text = reminders.reminder_text(
                language=language,
                meeting=meeting,
                occurrence=dt.datetime(2025, 3, 9, 17, tzinfo=UTC),
            )
            assert count_segments(text).segments == 1, text
            assert "#4821" in text


def test_a_meeting_on_several_days_is_reminded_before_each(settings: Settings) -> None:
    # Mondays and Thursdays at 19:00 in Los Angeles: one meeting, one subscription.
    with session_scope() as session:
        meeting = make_meeting(session, weekday=0, more_weekdays=[3], start_time=dt.time(19, 0))
        sub = subscribe_row(session, make_contact(session, settings), meeting)
    # An hour before Monday 3 March (03:00 UTC Tuesday) and before Thursday 6 March.
    for when in (
        dt.datetime(2025, 3, 4, 2, 0, tzinfo=UTC),
        dt.datetime(2025, 3, 7, 2, 0, tzinfo=UTC),
    ):
        with travel(when, tick=False):
            reminders.tick(when)
    keys = _keys()
    assert f"reminder:{sub}:20250304T0300Z:60" in keys
    assert f"reminder:{sub}:20250307T0300Z:60" in keys


def test_a_second_tick_in_the_same_minute_enqueues_nothing(settings: Settings) -> None:
    _setup(settings)
    now = dt.datetime(2025, 3, 9, 16, 0, tzinfo=UTC)
    assert reminders.tick(now) == 1
    jobs = get_queue("default").count
    assert reminders.tick(now) == 0
    assert reminders.tick(now + dt.timedelta(seconds=30)) == 0
    assert get_queue("default").count == jobs


def test_a_missed_minute_is_caught_up_and_a_lost_mark_sends_nothing_twice(
    settings: Settings, redis: Redis
) -> None:
    sub = _setup(settings)
    # A first tick ever looks back a day: the day-before reminder (due 8 March 17:00) goes late.
    assert reminders.tick(dt.datetime(2025, 3, 9, 15, 59, tzinfo=UTC)) == 1
    # The scheduler was down from 15:59 to 16:03: the 16:00 boundary is still honoured.
    assert reminders.tick(dt.datetime(2025, 3, 9, 16, 3, tzinfo=UTC)) == 1
    redis.delete(reminders.WATERMARK_KEY)  # Redis restarted empty
    assert reminders.tick(dt.datetime(2025, 3, 9, 16, 4, tzinfo=UTC)) == 0
    assert _keys() == [f"reminder:{sub}:20250309T1700Z:1440", f"reminder:{sub}:20250309T1700Z:60"]


def test_a_late_scheduler_never_winds_the_mark_back(settings: Settings, redis: Redis) -> None:
    _setup(settings)
    assert reminders.tick(dt.datetime(2025, 3, 9, 16, 1, tzinfo=UTC)) == 1
    assert reminders.tick(dt.datetime(2025, 3, 9, 15, 59, tzinfo=UTC)) == 0  # a slow twin
    mark = float(redis.get(reminders.WATERMARK_KEY) or 0)
    assert mark == dt.datetime(2025, 3, 9, 16, 1, tzinfo=UTC).timestamp()


def test_a_meeting_that_has_begun_gets_no_catch_up_reminder(settings: Settings) -> None:
    _setup(settings)
    # First tick ever, just after the 10:00 PDT (17:00 UTC) start: nothing for that meeting.
    assert reminders.tick(dt.datetime(2025, 3, 9, 17, 1, tzinfo=UTC)) == 0


def test_someone_who_subscribes_again_gets_the_nearest_reminder(settings: Settings) -> None:
    sub = _setup(settings)
    assert reminders.tick(dt.datetime(2025, 3, 9, 16, 0, tzinfo=UTC)) == 1  # the 1 h one
    now = dt.datetime(2025, 3, 16, 16, 30, tzinfo=UTC)  # the next week, 30 min before
    with travel(now, tick=False), session_scope() as session:
        row = session.get_one(Subscription, sub)
        end_subscription(session=session, contact_id=row.contact_id, meeting_id=row.meeting_id)
    assert reminders.tick(now) == 0  # ended: the day-before boundary (15 March) is not sent
    with travel(now + dt.timedelta(seconds=20), tick=False):
        with session_scope() as session:
            row = session.get_one(Subscription, sub)
            subscribe(session=session, contact_id=row.contact_id, meeting_id=row.meeting_id)
        assert reminders.tick(now + dt.timedelta(minutes=1)) == 1
    assert _keys()[-1] == f"reminder:{sub}:20250316T1700Z:60"


@pytest.mark.parametrize(
    ("member_zone", "queued_before_0012"),
    [("America/Los_Angeles", False), (None, False), (None, True)],
)
def test_quiet_hours_still_hold_reminders(
    settings: Settings, member_zone: str | None, queued_before_0012: bool
) -> None:
    # Sundays at 07:30 in Los Angeles: the 1 h reminder falls at 06:30, inside quiet hours
    # that end at 08:00, after the meeting has begun, so it is skipped; the day-before one
    # (Saturday 07:30) waits for 08:00. A member of no known zone: the meeting's keeps quiet
    # hours, not the line's (New York, where both times are past 08:00). Rows queued before
    # 0012_outbox_refs name their subscription and occurrence only in the dedupe key.
    with session_scope() as session:
        meeting = make_meeting(session, weekday=6, start_time=dt.time(7, 30))
        assert meeting.time_zone == "America/Los_Angeles"
        meeting_id = meeting.id
        sub = subscribe_row(
            session, make_contact(session, settings, time_zone=member_zone), meeting
        )
    day_before = dt.datetime(2025, 3, 8, 15, 30, tzinfo=UTC)  # Sat 07:30 PST
    hour_before = dt.datetime(2025, 3, 9, 13, 30, tzinfo=UTC)  # Sun 06:30 PDT
    for now in (day_before, hour_before):
        with travel(now, tick=False):
            assert reminders.tick(now) == 1
            with session_scope() as session:
                row = session.get_one(OutboxMessage, max(session.scalars(select(OutboxMessage.id))))
                assert (row.subscription_id, row.meeting_id) == (sub, meeting_id)
                assert row.occurs_at is not None and aware(row.occurs_at) > now
                if queued_before_0012:
                    row.subscription_id = row.meeting_id = row.occurs_at = None
                newest = row.id
            send_outbox(newest)
    with session_scope() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.status, r.error_reason) for r in rows] == [
            ("queued", "quiet_hours"),  # held, and says why (the dashboard shows it)
            ("skipped", "quiet_hours_until_meeting"),
        ]
        resume = rows[0].next_attempt_at
        assert resume is not None and aware(resume) == dt.datetime(2025, 3, 8, 16, 0, tzinfo=UTC)
