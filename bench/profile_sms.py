"""Where an ordinary text's time goes: cProfile over the lane's work for FIND and HELP.

    .venv/bin/python bench/profile_sms.py [--body "FIND 94110"] [--count 500] [--top 25]

Runs `sms.answer_member` (what a webhook lane thread runs for a text that is not a crisis)
in-process against the webhook bench's seeded SQLite database (5,000 meetings) and an
embedded Redis, and prints the milliseconds per text, SQL statements and transactions per
text, then the profile's top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event
from starlette.datastructures import FormData

from bench.webhook import _TMP, _text, seed
from hotline import bounded, db, queues
from hotline import settings as settings_module
from hotline.flows.crisis.detect import Level
from hotline.sms import runner as sms
from hotline.web.events import sms_event


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--body", default="FIND 94110")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument(
        "--lane",
        action="store_true",
        help="run each text on the webhook lane, as the server does (its database timeouts)",
    )
    args = parser.parse_args()
    embedded = queues.embedded_redis(_TMP / "redis" / "bench.rdb")
    os.environ["HOTLINE_REDIS_URL"] = queues.embedded_url(embedded)
    settings_module.get_settings.cache_clear()
    queues.get_redis.cache_clear()
    seed(args.meetings)
    chosen = settings_module.get_settings()
    fields = _text(args.body)
    messages = [
        sms_event(FormData(fields(n)), chosen.default_region) for n in range(args.count * 2)
    ]
    for message in messages[:100]:  # warm: contacts exist, caches filled
        sms.answer_member(chosen, message, Level.NONE)
    counts: Counter[str] = Counter()

    def count(kind: str) -> Any:
        return lambda *_: counts.update([kind])

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", count("statements"))
    event.listen(engine, "begin", count("transactions"))
    trips = _count_round_trips(counts) if engine.dialect.name == "postgresql" else None
    timed = messages[args.count : args.count * 2]

    def answer(message: sms.InboundSms) -> None:
        if not args.lane:
            sms.answer_member(chosen, message, Level.NONE)
            return
        future = bounded.WEBHOOKS.try_submit(lambda: sms.answer_member(chosen, message, Level.NONE))
        assert future is not None
        future.result(30)

    started = time.perf_counter()
    for message in timed:
        answer(message)
    per_text = (time.perf_counter() - started) / len(timed)
    print(
        f"{args.body!r}{' on the webhook lane' if args.lane else ''}: "
        f"{per_text * 1000:.2f} ms a text, "
        f"{counts['statements'] / len(timed):.1f} SQL statements and "
        f"{counts['transactions'] / len(timed):.1f} transactions a text ({len(timed)} texts)"
        + (f", {counts['trips'] / len(timed):.1f} round trips to PostgreSQL" if trips else "")
    )
    if trips:
        trips()
    profile = cProfile.Profile()
    profile.enable()
    for message in messages[100 : args.count]:
        sms.answer_member(chosen, message, Level.NONE)
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    embedded.shutdown()
    return 0


def _count_round_trips(counts: Counter[str]) -> Any:
    """Count every query, ping, SET, commit and rollback psycopg sends; return the undo."""
    import psycopg

    originals = {
        (psycopg.Cursor, "execute"): psycopg.Cursor.execute,
        (psycopg.Connection, "commit"): psycopg.Connection.commit,
        (psycopg.Connection, "rollback"): psycopg.Connection.rollback,
    }

    def counted(real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            counts.update(["trips"])
            return real(*args, **kwargs)

        return call

    for (owner, name), real in originals.items():
        setattr(owner, name, counted(real))

    def undo() -> None:
        for (owner, name), real in originals.items():
            setattr(owner, name, real)

    return undo


if __name__ == "__main__":
    sys.exit(main())
