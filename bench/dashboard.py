"""Measure how fast the dashboard answers with a busy line's data, against /healthz, in one run.

Run from the repository root: `.venv/bin/python bench/dashboard.py`. It seeds a temporary
SQLite file (or HOTLINE_BENCH_DATABASE_URL) with a month of a busy line: 300 meetings, 40 open
and 3,000 closed cases with their trails, 20,000 texts in, 10,000 finds, 5,000 reminders.
Then it signs in through the real app and times each page (the median of ROUNDS requests, in
wall-clock milliseconds, through Starlette's test client). It prints figures only.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
os.environ.update(
    {
        "HOTLINE_DATABASE_URL": os.environ.get("HOTLINE_BENCH_DATABASE_URL")
        or f"sqlite:///{_TMP}/bench.db",
        "HOTLINE_PUBLIC_URL": "https://hotline.example.org",
        "TWILIO_ACCOUNT_SID": "AC" + "3" * 32,
        "TWILIO_AUTH_TOKEN": "bench-auth-token-0123456789",
        "HOTLINE_SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "HOTLINE_FROM_NUMBER": "+15005550006",
        "HOTLINE_TRANSPORT": "console",
    }
)

from sqlalchemy import insert, select  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from hotline import clock, db, queues  # noqa: E402
from hotline.contacts import get_or_create_contact  # noqa: E402
from hotline.db import session_scope  # noqa: E402
from hotline.models import (  # noqa: E402
    AuditEvent,
    Coordinator,
    FindOutcome,
    Group,
    InboundMessage,
    Meeting,
    OutboxMessage,
    SupportCase,
)
from hotline.phones import vault_for  # noqa: E402
from hotline.sealed import open_text  # noqa: E402
from hotline.settings import get_settings  # noqa: E402

ROUNDS = 15
STAFF = "+15550100001"
PAGES = [
    "/healthz",
    "/admin/",
    "/admin/cases",
    "/admin/cases/rows",
    "/admin/cases/1",
    "/admin/meetings",
    "/admin/broadcasts",
    "/admin/live",
    "/admin/reports",
    "/admin/reports/areas.csv",
]


def seed(now: dt.datetime) -> None:
    """Write a busy month in bulk inserts."""
    engine = db.get_engine()
    db.upgrade(engine)
    vault = vault_for(get_settings().secret_key)
    with session_scope() as session:
        member = get_or_create_contact(session=session, vault=vault, e164="+15551230000").id
        staff = get_or_create_contact(session=session, vault=vault, e164=STAFF).id
        session.add(Coordinator(contact_id=staff, display_name="Bench Admin", role="admin"))
        group = Group(slug="bench", name="Bench group")
        session.add(group)
        session.flush()
        group_id = group.id
    day = dt.timedelta(days=1)
    with engine.begin() as conn:
        conn.execute(
            insert(Meeting),
            [
                {
                    "group_id": group_id,
                    "slug": f"bench-{n}",
                    "code": str(1000 + n),
                    "name": f"Bench meeting {n}",
                    "weekday": n % 7,
                    "start_time": dt.time(19, 0),
                    "time_zone": "America/Chicago",
                    "format": "phone_bridge",
                }
                for n in range(300)
            ],
        )
        conn.execute(
            insert(SupportCase),
            [
                {
                    "contact_id": member,
                    "status": "open" if n < 40 else "closed",
                    "opened_at": now - day * (n % 30),
                    "acked_at": now - day * (n % 30) + dt.timedelta(minutes=n % 9),
                    "closed_at": None if n < 40 else now - day * (n % 6),
                }
                for n in range(3040)
            ],
        )
        conn.execute(
            insert(AuditEvent),
            [
                {
                    "actor": "system",
                    "action": "escalated",
                    "subject_type": "case",
                    "subject_id": 1 + n % 3040,
                    "at": now - day * (n % 30),
                    "detail": {"tier": 1, "coordinator_ids": [1]},
                }
                for n in range(6000)
            ],
        )
        conn.execute(
            insert(InboundMessage),
            [
                {"message_sid": f"SM{n:032x}", "received_at": now - day * (n % 30)}
                for n in range(20000)
            ],
        )
        conn.execute(
            insert(FindOutcome),
            [
                {
                    "channel": "sms",
                    "zip3": f"{100 + n % 700}",
                    "local_found": n % 3 != 0,
                    "results": 3,
                    "at": now - day * (n % 30),
                }
                for n in range(10000)
            ],
        )
        conn.execute(
            insert(OutboxMessage),
            [
                {
                    "contact_id": member,
                    "purpose": "reminder",
                    "status": "delivered",
                    "dedupe_key": f"reminder:{n}:20261101T1900Z:60",
                    "created_at": now - day * (n % 30),
                }
                for n in range(5000)
            ],
        )


def sign_in(client: TestClient) -> None:
    def csrf(path: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
        assert found is not None
        return found.group(1)

    client.post("/admin/sign-in", data={"phone": STAFF, "csrf": csrf("/admin/sign-in")})
    with session_scope() as session:
        row_id = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.purpose == "login")
        ).one()
    # The row holds a stand-in; the real text waits sealed in Redis for the sender.
    body = open_text(
        redis=queues.get_redis(), secret_key=get_settings().secret_key, outbox_id=row_id
    )
    code = re.search(r"\d{6}", body or "")
    assert code is not None
    client.post("/admin/code", data={"code": code.group(0), "csrf": csrf("/admin/code")})


def main() -> None:
    server = queues.embedded_redis(_TMP / "redis" / "bench.rdb")
    os.environ["HOTLINE_REDIS_URL"] = queues.embedded_url(server)
    get_settings.cache_clear()
    seed(clock.now())
    from hotline.web.app import create_app

    with TestClient(create_app(), base_url="https://testserver") as client:
        sign_in(client)
        print(f"{'page':28} {'median ms':>10} {'x healthz':>10} {'bytes':>8}")
        baseline = None
        for path in PAGES:
            times, size = [], 0
            for _ in range(ROUNDS):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
                size = len(response.content)
            median = statistics.median(times)
            baseline = baseline or median
            print(f"{path:28} {median:10.1f} {median / baseline:10.1f} {size:8d}")
    server.shutdown()


if __name__ == "__main__":
    main()
