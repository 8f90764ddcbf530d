"""The warm line's speed: ringing every volunteer on shift, and relaying a text, each against a
baseline measured in the same run on the same pipeline.

    .venv/bin/python bench/warm.py [--volunteers 1,10,50] [--calls 3] [--texts 30] [--cps 1]

1. Press 2 → every on-shift volunteer's call sent. A caller (signed webhooks to the real app,
   in this process) presses 2 and Twilio fetches the wait URL once; the clock runs from the
   press to the moment the last volunteer's outbound call has been accepted by Prism (Twilio's
   own OpenAPI spec, `--dynamic` so each call gets its own SID), sent by one `hotline worker`
   process. Baseline: the same number of plain calls written straight to the outbox in one
   transaction and sent by the same worker to the same Prism, with no webhook and no queue.
   Calls leave at `[sender] calls_per_second` (Twilio's CPS, 1 by default; `--cps`), which
   dominates from a few volunteers on.
2. A text in a conversation: a member's text posted to /twilio/sms while a volunteer holds the
   conversation, timed to the webhook's answer and to the relayed text's acceptance by Prism.
   Baselines: a plain inbound text (HELP, answered in the webhook itself) for the webhook, and
   one text written straight to the outbox and sent by the same worker for the delivery.

Uses PostgreSQL and Redis when HOTLINE_BENCH_DATABASE_URL / HOTLINE_BENCH_REDIS_URL are set,
else a temporary SQLite file and an embedded Redis. Everything runs on this machine (2 shared
cores): the figures are a floor and move with other load; the ratios are the point.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import reset_database, start_redis, use_bench_parts  # noqa: E402

DATABASE_URL = use_bench_parts(HOTLINE_TRANSPORT="twilio")

import os  # noqa: E402

from sqlalchemy import func, select  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from hotline import db, queues  # noqa: E402
from hotline.models import (  # noqa: E402
    Coordinator,
    OutboxMessage,
    Priority,
    RelayConversation,
    VolunteerProfile,
    WarmCall,
)
from hotline.outbox import queue_call, queue_sms  # noqa: E402
from hotline.settings import Settings, get_settings  # noqa: E402
from hotline.web.app import create_app  # noqa: E402
from tests.jobs import pipeline  # noqa: E402
from tests.jobs.conftest import _start_prism, _stop  # noqa: E402
from tests.people import add_contact, add_staff  # noqa: E402
from tests.twilio import TwilioPoster  # noqa: E402
from tests.web.test_voice_caller import Caller, path_of  # noqa: E402

POLL_SECONDS = 0.002
PACER_REST_SECONDS = 3.0
TIMEOUT_SECONDS = 120.0
MEMBER = "+14155550181"


def _wait_sent(ids: Callable[[], list[int]], expected: int) -> float:
    """Wait until `expected` outbox rows picked by `ids` are sent; return when (perf clock)."""
    engine = db.get_engine()
    deadline = time.perf_counter() + TIMEOUT_SECONDS
    while time.perf_counter() < deadline:
        chosen = ids()
        if len(chosen) >= expected:
            with engine.connect() as conn:
                sent = conn.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.id.in_(chosen), OutboxMessage.status == "sent")
                )
            if sent == expected:
                return time.perf_counter()
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{expected} sends did not happen within {TIMEOUT_SECONDS:g} s")


def _rows(*where: object) -> Callable[[], list[int]]:
    def chosen() -> list[int]:
        with db.get_engine().connect() as conn:
            return list(conn.scalars(select(OutboxMessage.id).where(*where)))  # type: ignore[arg-type]

    return chosen


def _volunteers(settings: Settings, count: int) -> None:
    """`count` volunteers taking warm-line calls now (AVAILABLE for a day)."""
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    for index in range(count):
        staff_id = add_staff(settings, f"+1415666{index:04d}", "volunteer", name=f"V{index}")
        with db.session_scope() as session:
            session.add(
                VolunteerProfile(
                    staff_id=staff_id,
                    languages="en",
                    tags="",
                    opted_in=True,
                    available=True,
                    available_until=until,
                )
            )


def _press_2(twilio: TwilioPoster, number: str, volunteers: int) -> tuple[float, float]:
    """One caller presses 2; return (seconds to every volunteer's call sent, wait webhook)."""
    caller = Caller(twilio, number)
    caller.start()
    caller.press("1")  # English
    started = time.perf_counter()
    caller.press("2")
    enqueue = caller.root.find("Enqueue")
    assert enqueue is not None, "the caller was not queued"
    asked = time.perf_counter()
    caller.post(path_of(enqueue.get("waitUrl", "")), QueueTime="0", QueuePosition="1")
    answered = time.perf_counter() - asked
    with db.session_scope() as session:
        entry_id = session.scalars(select(WarmCall.id).order_by(WarmCall.id.desc())).first()
    path = f"outbound/warm/{entry_id}"
    done = _wait_sent(_rows(OutboxMessage.call_path == path), volunteers)
    return done - started, answered


def _plain_calls(count: int, round_no: int) -> float:
    """The baseline: `count` calls written straight to the outbox; seconds until all sent."""
    with db.session_scope() as session:
        staff = session.scalars(select(Coordinator).order_by(Coordinator.id)).all()
    path = f"outbound/bench/{round_no}"
    started = time.perf_counter()
    with db.session_scope() as session:
        for person in staff[:count]:
            queue_call(
                session=session,
                contact_id=person.contact_id,
                call_path=path,
                purpose="bench",
                priority=Priority.URGENT,
                ignore_quiet_hours=True,
            )
    return _wait_sent(_rows(OutboxMessage.call_path == path), count) - started


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(values) * 1000:7.1f} ms, p95 {p95 * 1000:7.1f} ms"


def bench_ringing(settings: Settings, counts: list[int], calls: int) -> None:
    print("1. caller presses 2 -> every on-shift volunteer's call accepted by Prism")
    for count in counts:
        reset_database()
        queues.get_redis().flushdb()
        _volunteers(settings, count)
        with TestClient(create_app(settings)) as client:
            twilio = TwilioPoster(client, settings)
            if count == counts[0]:
                _press_2(twilio, "+14155550100", count)  # warm-up: the worker's first imports
            warm: list[float] = []
            webhook: list[float] = []
            plain: list[float] = []
            for n in range(calls):
                # Each run starts with the line's call pacing at rest.
                time.sleep(PACER_REST_SECONDS)
                took, answered = _press_2(twilio, f"+1415555{1000 + n:04d}", count)
                warm.append(took)
                webhook.append(answered)
                time.sleep(PACER_REST_SECONDS)
                plain.append(_plain_calls(count, n + 1))
        ratio = statistics.median(warm) / statistics.median(plain)
        print(f"  {count:>3} volunteers: warm line  {_ms(warm)}")
        print(f"                 plain calls {_ms(plain)}  ratio {ratio:.2f}")
        print(f"                 the wait-URL webhook that rings them: {_ms(webhook)}")


def bench_relay(settings: Settings, texts: int) -> None:
    print("2. a member's text in a conversation -> relayed to the volunteer")
    reset_database()
    queues.get_redis().flushdb()
    _volunteers(settings, 1)
    volunteer = "+14156660000"
    # One member texting back to back: above [limits] sms_per_minute, which would (rightly)
    # slow them down; the bench measures the relay, not the limit.
    settings = dataclasses.replace(settings, sms_per_minute=1_000_000)
    with TestClient(create_app(settings)) as client:
        twilio = TwilioPoster(client, settings)
        twilio.sms(MEMBER, "TALK")
        with db.session_scope() as session:
            number = session.scalars(select(RelayConversation.id)).one()
        twilio.sms(volunteer, f"TAKE {number}")
        holder = add_contact(settings, volunteer)
        relay_hook, relay_sent, plain_hook, direct_sent = [], [], [], []
        for n in range(texts + 1):
            body = f"text {n} of a member talking with a peer"
            started = time.perf_counter()
            twilio.sms(MEMBER, body)
            answered = time.perf_counter()
            sent = _wait_sent(
                _rows(OutboxMessage.contact_id == holder, OutboxMessage.body.endswith(body)), 1
            )
            started_plain = time.perf_counter()
            twilio.sms(f"+1415777{n:04d}", "HELP")
            plain_answered = time.perf_counter()
            started_direct = time.perf_counter()
            with db.session_scope() as session:
                row = queue_sms(
                    session=session,
                    contact_id=holder,
                    body=f"direct {n}",
                    purpose="bench",
                    priority=Priority.URGENT,
                    ignore_quiet_hours=True,
                )
                row_id = row.id
            direct = _wait_sent(lambda row_id=row_id: [row_id], 1)  # type: ignore[misc]
            if n == 0:
                continue  # warm-up
            relay_hook.append(answered - started)
            relay_sent.append(sent - started)
            plain_hook.append(plain_answered - started_plain)
            direct_sent.append(direct - started_direct)
    hook_ratio = statistics.median(relay_hook) / statistics.median(plain_hook)
    sent_ratio = statistics.median(relay_sent) / statistics.median(direct_sent)
    print(f"  webhook answer: relayed text {_ms(relay_hook)} | plain HELP {_ms(plain_hook)}")
    print(f"    ratio {hook_ratio:.2f}")
    print(f"  to Prism:       relayed text {_ms(relay_sent)} | outbox text {_ms(direct_sent)}")
    print(f"    ratio {sent_ratio:.2f} ({texts} texts each)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--volunteers", default="1,10,50")
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--texts", type=int, default=30)
    parser.add_argument(
        "--cps", type=float, default=1.0, help="[sender] calls_per_second for the worker"
    )
    args = parser.parse_args()
    redis_url, _server = start_redis()
    prism, prism_url = _start_prism("--dynamic")
    os.environ["HOTLINE_TWILIO_API_URL"] = prism_url
    get_settings.cache_clear()
    settings = get_settings()
    reset_database()
    env = pipeline.worker_env(DATABASE_URL, redis_url, prism_url, 1000.0)
    env["HOTLINE_CALLS_PER_SECOND"] = str(args.cps)
    workers = pipeline.start_workers(env, 1)
    print(
        f"database {db.get_engine().dialect.name}, 1 worker, Prism --dynamic (Twilio's spec), "
        f"calls paced at {args.cps:g}/s"
    )
    try:
        time.sleep(2.0)  # let the worker connect
        bench_ringing(settings, [int(n) for n in args.volunteers.split(",")], args.calls)
        bench_relay(settings, args.texts)
    finally:
        pipeline.stop(workers)
        _stop(prism)
    return 0


if __name__ == "__main__":
    sys.exit(main())
