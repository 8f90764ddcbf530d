"""The reminder tick over 100,000 subscriptions and 10,000 meetings: the tick as it is now
(from the meetings, only the lead-time boundaries crossed since the last tick) against the
tick as it was (every subscription, every minute, ON CONFLICT DO NOTHING), in the same run.

    .venv/bin/python bench/scheduler.py [--meetings 10000] [--per-meeting 10] [--due 100]

`--due` meetings start exactly an hour after the measured minute, so their members' one-hour
reminders (due × per-meeting rows) fall due in it; every other meeting starts at half past an
hour, so nothing else does. The day before is already done (a first tick writes it), as on a
line that has been running. Uses PostgreSQL and Redis when HOTLINE_BENCH_DATABASE_URL /
HOTLINE_BENCH_REDIS_URL are set, else a temporary SQLite file and an embedded Redis.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import reset_database, start_redis, use_bench_parts  # noqa: E402

use_bench_parts(HOTLINE_TRANSPORT="console")

from sqlalchemy import delete, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from hotline import db, queues  # noqa: E402
from hotline.db import session_scope  # noqa: E402
from hotline.flows.schedule import next_occurrences  # noqa: E402
from hotline.jobs import reminders  # noqa: E402
from hotline.models import (  # noqa: E402
    Contact,
    Group,
    Meeting,
    MeetingCancellation,
    OutboxMessage,
    Priority,
    Subscription,
)
from hotline.outbox import enqueue_ids, insert_new  # noqa: E402
from hotline.settings import get_settings  # noqa: E402

# Wednesday 4 March 2026, 18:00 UTC: the measured minute is (17:59, 18:00].
NOW = dt.datetime(2026, 3, 4, 18, 0, tzinfo=dt.UTC)
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")


# The tick as it was, kept here as the baseline ----------------------------------------------


def old_tick(now: dt.datetime) -> int:
    """Every live subscription, every minute: its shortest lead inside, re-inserted."""
    with session_scope() as session:
        due = old_find_due(session=session, now=now, default_leads=(1440, 60))
        rows = [reminders._row_values(item) for item in due]
        ids = insert_new(session=session, rows=rows)
        enqueue_ids(session, ids, Priority.DEFAULT.value)
    return len(ids)


def old_find_due(
    *, session: Session, now: dt.datetime, default_leads: tuple[int, ...]
) -> list[reminders.Due]:
    statement = (
        select(Subscription, Contact.language, Meeting, Group.reminder_lead_minutes)
        .join(Contact, Contact.id == Subscription.contact_id)
        .join(Meeting, Meeting.id == Subscription.meeting_id)
        .join(Group, Group.id == Meeting.group_id)
        .where(
            Subscription.ended_at.is_(None),
            Contact.opted_out_at.is_(None),
            Contact.invalid_at.is_(None),
            Meeting.active.is_(True),
        )
    )
    rows = session.execute(statement).all()
    cancelled: defaultdict[int, set[dt.date]] = defaultdict(set)
    for meeting_id, occurs_on in session.execute(
        select(MeetingCancellation.meeting_id, MeetingCancellation.occurs_on)
    ):
        cancelled[meeting_id].add(occurs_on)
    starts: dict[int, dt.datetime] = {}
    due: list[reminders.Due] = []
    for sub, language, meeting, group_leads in rows:
        if meeting.id not in starts:
            (starts[meeting.id],) = next_occurrences(
                weekday=meeting.weekday,
                start=meeting.start_time,
                time_zone=meeting.time_zone,
                after=now,
                cancelled=cancelled[meeting.id],
            )
        until = starts[meeting.id] - now
        inside = [
            lead for lead in (group_leads or default_leads) if until <= dt.timedelta(minutes=lead)
        ]
        if inside:
            occurrence = starts[meeting.id]
            item = reminders.Due(
                sub.id, sub.contact_id, sub.channel, language, meeting, occurrence, min(inside)
            )
            due.append(item)
    return due


# Seeding ------------------------------------------------------------------------------------


def seed(meetings: int, per_meeting: int, due: int) -> None:
    rng = random.Random(11)
    engine = db.get_engine()
    with engine.begin() as conn:
        group_id = conn.execute(
            insert(Group).values(slug="bench", name="Bench").returning(Group.id)
        ).scalar_one()
        rows: list[dict[str, Any]] = []
        for n in range(meetings):
            zone = ZONES[n % len(ZONES)]
            if n < due:  # starts an hour after NOW, in its own zone
                local = (NOW + dt.timedelta(hours=1)).astimezone(dt.UTC).astimezone(_zone(zone))
                weekday, start = local.weekday(), local.time().replace(tzinfo=None)
            else:
                weekday, start = rng.randrange(7), dt.time(rng.randrange(24), 30)
            rows.append(
                {
                    "group_id": group_id,
                    "slug": f"bench-{n}",
                    "code": str(10000 + n),
                    "name": f"Bench meeting {n}",
                    "weekday": weekday,
                    "start_time": start,
                    "time_zone": zone,
                    "format": "phone_bridge",
                    "types": [],
                }
            )
        conn.execute(insert(Meeting), rows)
        ids = [row[0] for row in conn.execute(select(Meeting.id).order_by(Meeting.id))]
        total = len(ids) * per_meeting
        # A fake ciphertext: the tick never decrypts, and real encryption only slows seeding.
        conn.execute(
            insert(Contact),
            [
                {"id": i + 1, "phone_hash": f"{i:064x}", "phone_encrypted": "x", "time_zone": None}
                for i in range(total)
            ],
        )
        conn.execute(
            insert(Subscription),
            [
                {
                    "contact_id": i + 1,
                    "meeting_id": ids[i // per_meeting],
                    "created_at": NOW - dt.timedelta(days=30),
                }
                for i in range(total)
            ],
        )


def _zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _outbox_count() -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def _drop_rows_after(last_id: int) -> None:
    with session_scope() as session:
        session.execute(delete(OutboxMessage).where(OutboxMessage.id > last_id))
    queues.get_redis().flushdb()


def _max_id() -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.max(OutboxMessage.id))) or 0)


def _timed(label: str, run: Any) -> tuple[float, int]:
    started = time.perf_counter()
    created = int(run())
    elapsed = time.perf_counter() - started
    print(f"{label:<46} {elapsed:7.3f} s  {created:>6} reminders")
    return elapsed, created


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--per-meeting", type=int, default=10)
    parser.add_argument("--due", type=int, default=100)
    args = parser.parse_args()
    _url, _server = start_redis()
    reset_database()
    queues.get_redis().flushdb()
    get_settings()
    seed(args.meetings, args.per_meeting, args.due)
    subs = args.meetings * args.per_meeting
    print(
        f"database {db.get_engine().dialect.name}: {args.meetings:,} meetings, {subs:,} "
        f"subscriptions; {args.due * args.per_meeting:,} reminders due in the measured minute"
    )
    # The line has been running: everything due before the measured minute exists already.
    warm = reminders.tick(NOW - dt.timedelta(minutes=1))
    before = _max_id()
    print(f"(already written before the measured minute: {warm:,} rows)")

    old_due, old_n = _timed("old tick, minute with reminders due", lambda: old_tick(NOW))
    old_keys = _keys_after(before)
    old_idle, old_idle_n = _timed(
        "old tick, the next minute (nothing due)", lambda: old_tick(NOW + dt.timedelta(minutes=1))
    )
    _drop_rows_after(before)
    queues.get_redis().set(
        reminders.WATERMARK_KEY, repr((NOW - dt.timedelta(minutes=1)).timestamp())
    )

    new_due, new_n = _timed("new tick, minute with reminders due", lambda: reminders.tick(NOW))
    same = _keys_after(before) == old_keys
    _, again = _timed("new tick, the same minute again", lambda: reminders.tick(NOW))
    new_idle, new_idle_n = _timed(
        "new tick, the next minute (nothing due)",
        lambda: reminders.tick(NOW + dt.timedelta(minutes=1)),
    )
    print(f"same reminders as the old tick: {same}; second tick wrote {again}")
    ratio = old_due / new_due
    print(f"minute with reminders due: {ratio:.1f}x faster ({new_due:.3f} s; target <= 1 s)")
    print(f"minute with nothing due:   {old_idle / new_idle:.1f}x faster ({new_idle:.3f} s)")
    ok = same and again == 0 and new_n == old_n and new_idle_n == old_idle_n == 0
    return 0 if ok else 1


def _keys_after(last_id: int) -> set[str]:
    with session_scope() as session:
        statement = select(OutboxMessage.dedupe_key).where(OutboxMessage.id > last_id)
        return {key or "" for key in session.scalars(statement)}


if __name__ == "__main__":
    sys.exit(main())
