"""A crisis alert during a 20,000-member broadcast: how long from the crisis text reaching the
line to the on-call responder's alert reaching Twilio, against the same with the workers idle
(the baseline, same run), and the pace the broadcast kept (the headroom left for urgent texts).

    .venv/bin/python bench/crisis_during_broadcast.py [--members 20000] [--rate 500] [--alerts 6]

Two `hotline worker` processes send to a loopback Twilio stand-in at `--rate` segments a
second (bulk may use 1 - urgent_headroom of it); crisis texts are signed webhooks to the real
app, in this process. Target: every alert within 2 s. Uses PostgreSQL and Redis when
HOTLINE_BENCH_DATABASE_URL / HOTLINE_BENCH_REDIS_URL are set, else SQLite and an embedded Redis.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import reset_database, start_redis, use_bench_parts  # noqa: E402

DATABASE_URL = use_bench_parts(HOTLINE_TRANSPORT="twilio")

from starlette.testclient import TestClient  # noqa: E402

from hotline import db, queues  # noqa: E402
from hotline.settings import get_settings  # noqa: E402
from hotline.web.app import create_app  # noqa: E402
from tests.drills.crisis_broadcast import (  # noqa: E402
    Alert,
    add_responder,
    broadcast_sends,
    crisis_alert,
    start_broadcast,
    wait_for_sends,
)
from tests.jobs import pipeline  # noqa: E402
from tests.twilio import TwilioPoster  # noqa: E402
from tests.twilio_standin import TwilioStandIn  # noqa: E402

BODY = "Meeting 4821 moves to Room 12 tonight. Same time. Text INFO 4821 for details."
TARGET_SECONDS = 2.0


def _report(label: str, alerts: list[Alert]) -> list[float]:
    seconds = [a.seconds for a in alerts if a.seconds is not None]
    lost = len(alerts) - len(seconds)
    webhook = max(a.answered - a.posted for a in alerts)
    print(
        f"{label:<24} alerts {len(alerts)}, p50 {statistics.median(seconds):.3f} s, "
        f"max {max(seconds):.3f} s (webhook answered within {webhook:.3f} s); never sent: {lost}"
    )
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--alerts", type=int, default=6)
    args = parser.parse_args()
    redis_url, _server = start_redis()
    reset_database()
    queues.get_redis().flushdb()
    standin = TwilioStandIn().start()
    settings = get_settings()
    engine = db.get_engine()
    add_responder(engine, settings.secret_key)
    meeting_id = pipeline.seed_members(engine, settings.secret_key, args.members)
    env = pipeline.worker_env(DATABASE_URL, redis_url, standin.url, args.rate)
    bulk_rate = args.rate * (1 - settings.urgent_headroom)
    print(
        f"database {engine.dialect.name}, {args.members:,} members, {args.workers} workers, "
        f"pace {args.rate:g} segments/s (bulk share {bulk_rate:g}/s)"
    )
    workers = pipeline.start_workers(env, args.workers)
    try:
        with TestClient(create_app(settings)) as client:
            twilio = TwilioPoster(client, settings)
            time.sleep(2.0)  # let the workers connect
            crisis_alert(twilio, standin)  # warm-up: the first job a worker runs imports a lot
            idle = [crisis_alert(twilio, standin) for _ in range(3)]
            broadcast_id = start_broadcast(meeting_id, BODY)
            wait_for_sends(standin, BODY, min(1000, args.members // 4), timeout=120)
            during: list[Alert] = []
            gap = args.members / bulk_rate / (args.alerts + 2)
            for _ in range(args.alerts):
                during.append(crisis_alert(twilio, standin))
                time.sleep(gap)
            pipeline.wait_until_final(engine, args.members, 3600, broadcast_id)
    finally:
        pipeline.stop(workers)
        standin.stop()
    sends = broadcast_sends(standin, BODY)
    span = max(sends) - min(sends)
    pending = [sum(at > a.sent for at in sends) for a in during if a.sent is not None]
    base = _report("workers idle:", idle)
    busy = _report("during the broadcast:", during)
    kept = len(sends) / span
    print(
        f"broadcast: {len(sends):,} texts in {span:.1f} s = {kept:,.0f}/s "
        f"({kept / args.rate:.2f} of the pace; bulk may use {bulk_rate / args.rate:.2f})"
    )
    print(f"broadcast texts still to go when each alert left: {pending}")
    print(
        f"alert max during / idle: {max(busy) / max(base):.1f}x; "
        f"within {TARGET_SECONDS:g} s: {sum(s <= TARGET_SECONDS for s in busy)}/{len(during)}"
    )
    once = set(
        Counter(r.fields["To"] for r in standin.sent() if r.fields.get("Body") == BODY).values()
    )
    print(f"each member got the broadcast exactly once: {once == {1}}")
    ok = len(busy) == len(during) and max(busy) <= TARGET_SECONDS and once == {1}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
