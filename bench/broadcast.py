"""Broadcast throughput: 20,000 recipients through 2 `hotline worker` processes, batched, versus
one RQ job per message on RQ's default forking Worker, both against a loopback Twilio stand-in.

    .venv/bin/python bench/broadcast.py [--recipients 20000] [--workers 2] [--naive-seconds 40]

Uses PostgreSQL and Redis when HOTLINE_BENCH_DATABASE_URL / HOTLINE_BENCH_REDIS_URL (or the
HOTLINE_TEST_* ones) are set, else a temporary SQLite file and an embedded Redis. The pacing
limit is set far above the stand-in's speed so it measures the pipeline, not the limiter.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
DATABASE_URL = (
    os.environ.get("HOTLINE_BENCH_DATABASE_URL")
    or os.environ.get("HOTLINE_TEST_DATABASE_URL")
    or f"sqlite:///{_TMP}/bench.db"
)
RATE = 100_000.0
os.environ.update(
    {
        "HOTLINE_DATABASE_URL": DATABASE_URL,
        "HOTLINE_PUBLIC_URL": "https://hotline.example.org",
        "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
        "TWILIO_AUTH_TOKEN": "bench-auth-token-0123456789",
        "HOTLINE_SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "HOTLINE_FROM_NUMBER": "+15005550006",
        "HOTLINE_TRANSPORT": "twilio",
        "HOTLINE_SEGMENTS_PER_SECOND": str(RATE),
    }
)

from collections import Counter  # noqa: E402

from sqlalchemy import insert, text  # noqa: E402

from bench.common import reset_database  # noqa: E402
from hotline import db, queues  # noqa: E402
from hotline.db import session_scope  # noqa: E402
from hotline.jobs.broadcast import confirm_broadcast, prepare_broadcast  # noqa: E402
from hotline.jobs.names import SEND_JOB  # noqa: E402
from hotline.models import OutboxMessage, Priority  # noqa: E402
from hotline.outbox import sms_values  # noqa: E402
from hotline.queues import get_queue  # noqa: E402
from hotline.settings import get_settings  # noqa: E402
from tests.jobs import pipeline  # noqa: E402
from tests.twilio_standin import TwilioStandIn  # noqa: E402

BODY = "Meeting 4821 moves to Room 12 tonight. Same time. Text INFO 4821 for details."


def _redis_url() -> tuple[str, object]:
    url = os.environ.get("HOTLINE_BENCH_REDIS_URL") or os.environ.get("HOTLINE_TEST_REDIS_URL")
    if url:
        return url, None
    server = queues.embedded_redis(_TMP / "redis" / "bench.rdb")
    return queues.embedded_url(server), server


def _cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> float:
    """User + system CPU the processes have used so far (Linux /proc)."""
    ticks = 0
    for process in processes:
        stat = Path(f"/proc/{process.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_batched(meeting_id: int, recipients: int, env: dict[str, str], workers: int) -> float:
    processes = pipeline.start_workers(env, workers)
    try:
        time.sleep(2.0)  # let the workers connect before the clock starts
        cpu = _cpu_seconds(processes)
        started = time.monotonic()
        with session_scope() as session:
            broadcast = prepare_broadcast(
                session=session, coordinator_id=None, meeting_id=meeting_id, body=BODY
            )
            confirm_broadcast(session=session, broadcast_id=broadcast.id)
        # The fan-out job confirm_broadcast enqueued runs on a worker, as in production.
        pipeline.wait_until_final(db.get_engine(), recipients, 300, broadcast.id)
        elapsed = time.monotonic() - started
        cpu = _cpu_seconds(processes) - cpu
    finally:
        pipeline.stop(processes)
    done = pipeline.counts(db.get_engine(), broadcast.id)
    print(f"batched: {done} in {elapsed:.1f}s")
    sent = done.get("sent", 0)
    print(f"workers' CPU: {cpu:.1f}s, {1000 * cpu / max(sent, 1):.2f} ms per message")
    return sent / elapsed


def run_naive(recipients: int, env: dict[str, str], workers: int, seconds: float) -> float:
    engine = db.get_engine()
    with engine.begin() as conn:
        contact_ids = [row[0] for row in conn.execute(text("SELECT id FROM contacts ORDER BY id"))]
    rows = [
        sms_values(
            contact_id=cid,
            body=BODY,
            purpose="naive",
            priority=Priority.BULK,
            dedupe_key=f"naive:{cid}",
        )
        for cid in contact_ids[:recipients]
    ]
    with session_scope() as session:
        session.execute(insert(OutboxMessage), rows)
    with engine.connect() as conn:
        ids = [
            r[0] for r in conn.execute(text("SELECT id FROM outbox_messages WHERE purpose='naive'"))
        ]
    queue = get_queue("bulk")
    with queue.connection.pipeline() as pipe:
        for outbox_id in ids:
            queue.enqueue(SEND_JOB, outbox_id, job_id=f"outbox-{outbox_id}", pipeline=pipe)
        pipe.execute()
    processes = pipeline.start_workers(env, workers, naive=True)
    sent_sql = text("SELECT count(*) FROM outbox_messages WHERE purpose='naive' AND status='sent'")
    try:
        # Start the clock once the workers are up and sending, as for the batched run.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                first = int(conn.execute(sent_sql).scalar_one())
            if first:
                break
            time.sleep(0.1)
        started = time.monotonic()
        time.sleep(seconds)
        with engine.connect() as conn:
            sent = int(conn.execute(sent_sql).scalar_one()) - first
        elapsed = time.monotonic() - started
    finally:
        pipeline.stop(processes)
    print(f"naive: {sent} of {len(ids)} sent in the first {elapsed:.1f}s (stopped there)")
    return int(sent) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive-seconds", type=float, default=30.0)
    args = parser.parse_args()
    redis_url, _server = _redis_url()
    os.environ["HOTLINE_REDIS_URL"] = redis_url
    reset_database()
    queues.get_redis().flushdb()
    standin = TwilioStandIn().start()
    env = pipeline.worker_env(DATABASE_URL, redis_url, standin.url, RATE)
    print(
        f"database {db.get_engine().dialect.name}, {args.recipients} recipients, "
        f"{args.workers} workers"
    )
    meeting_id = pipeline.seed_members(db.get_engine(), get_settings().secret_key, args.recipients)
    batched = run_batched(meeting_id, args.recipients, env, args.workers)
    per_recipient = Counter(r.fields.get("To") for r in standin.requests)
    naive = run_naive(args.recipients, env, args.workers, args.naive_seconds)
    standin.stop()
    print(f"batched pipeline: {batched:,.0f} msg/s")
    print(f"naive (1 RQ job per message, forking Worker): {naive:,.0f} msg/s")
    print(f"ratio: {batched / max(naive, 0.001):.1f}x")
    print(
        f"batched run: {per_recipient.total()} requests to {len(per_recipient)} recipients; "
        f"most to one recipient: {max(per_recipient.values(), default=0)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
