"""Webhook speed: signed Twilio posts through `hotline serve` on loopback, against a ceiling.

    .venv/bin/python bench/webhook.py [--meetings 5000] [--seconds 5] [--rate 200]

The ceiling is a bare Starlette app answering constant TwiML under the same uvicorn settings
(hotline/web/server.py), in a process of its own like the line. For each route (FIND 94110,
HELP, INFO 4821, a crisis text, the voice entry) it prints:

- max throughput: real answers a second (fallbacks not counted) from 32 connections sending
  back to back for --seconds;
- latency at a fixed offered rate (--rate req/s): requests are sent at constant intervals,
  each on an idle connection or a new one (Twilio does not wait for one answer before the
  next webhook), and each one's latency runs from when it was *meant* to be sent, so a slow
  server cannot lower the load it is offered (no coordinated omission);
- the ratio of max throughput to the ceiling's;
- failed: answers that were not a 200 or were the deadline's fallback ("slow right now");

then crisis texts at 10 a second while FIND is offered at --rate: their latency from when each
was due (the crisis reply must not wait behind the database or its threads).

Uses PostgreSQL and Redis when HOTLINE_BENCH_DATABASE_URL / HOTLINE_BENCH_REDIS_URL are set,
else a temporary SQLite file and an embedded Redis. The load comes from this process, on the
same machine: on 2 cores the client takes one, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
DATABASE_URL = os.environ.get("HOTLINE_BENCH_DATABASE_URL") or f"sqlite:///{_TMP}/bench.db"
os.environ.update(
    {
        "HOTLINE_DATABASE_URL": DATABASE_URL,
        "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
        "TWILIO_AUTH_TOKEN": "bench-auth-token-0123456789",
        "HOTLINE_SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "HOTLINE_FROM_NUMBER": "+15005550006",
        "HOTLINE_TRANSPORT": "console",
        # `hotline serve` refuses a loopback public URL (Twilio could not reach it); requests
        # are signed for this one and sent to the loopback port, as a proxy in front would.
        "HOTLINE_PUBLIC_URL": "https://hotline.example.org",
    }
)

from sqlalchemy import insert, text  # noqa: E402

from hotline import db, queues, settings  # noqa: E402
from hotline.models import Base, Group, Meeting  # noqa: E402
from hotline.web.twilio_auth import sign  # noqa: E402
from tests.loopback_http import Connection, form_request  # noqa: E402
from tests.twilio import LINE_NUMBER  # noqa: E402

CONNECTIONS = 32
SENDERS = 400
CEILING_APP = """
import sys
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
import uvicorn
from hotline.web import server

TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hello</Message></Response>'

async def answer(request):
    await request.body()
    return Response(TWIML, media_type="application/xml")

app = Starlette(routes=[Route("/{path:path}", answer, methods=["POST"])])
config = server.config(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
uvicorn.Server(config).run()
"""


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    fields: Callable[[int], dict[str, str]]


def _sender(n: int) -> str:
    return f"+1415{5550000 + n % SENDERS:07d}"


def _text(body: str) -> Callable[[int], dict[str, str]]:
    def fields(n: int) -> dict[str, str]:
        return {
            "MessageSid": f"SM{_RUN}{n:026x}",
            "AccountSid": "AC" + "2" * 32,
            "From": _sender(n),
            "To": LINE_NUMBER,
            "Body": body,
            "NumMedia": "0",
        }

    return fields


def _call(n: int) -> dict[str, str]:
    return {
        "CallSid": f"CA{_RUN}{n:026x}",
        "AccountSid": "AC" + "2" * 32,
        "From": _sender(n),
        "To": LINE_NUMBER,
        "CallStatus": "ringing",
        "Direction": "inbound",
    }


_RUN = f"{random.randrange(16**6):06x}"
ROUTES = [
    Route("FIND 94110", "/twilio/sms", _text("FIND 94110")),
    Route("HELP", "/twilio/sms", _text("HELP")),
    Route("INFO 4821", "/twilio/sms", _text("INFO 4821")),
    Route("crisis text", "/twilio/sms", _text("i want to kill myself")),
    Route("voice entry", "/twilio/voice", _call),
]


# The data -----------------------------------------------------------------------------------


def seed(meetings: int) -> None:
    """Fresh schema, and meetings spread over the US (a tenth by phone, some in the Bay Area)."""
    engine = db.get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    db.upgrade(engine)
    rng = random.Random(5000)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        group_id = conn.execute(
            insert(Group).values(slug="bench", name="Bench groups").returning(Group.id)
        ).scalar_one()
        rows = [_meeting(rng, group_id, i) for i in range(meetings)]
        conn.execute(insert(Meeting), rows)


def _meeting(rng: random.Random, group_id: int, i: int) -> dict[str, object]:
    phone = i % 10 == 0
    near = i % 50 == 1  # about 2 % in the Bay Area, so FIND 94110 has plenty nearby
    latitude = 37.76 + rng.uniform(-0.3, 0.3) if near else rng.uniform(25.0, 48.0)
    longitude = -122.42 + rng.uniform(-0.3, 0.3) if near else rng.uniform(-124.0, -67.0)
    return {
        "group_id": group_id,
        "slug": f"bench-{i}",
        "code": "4821" if i == 0 else str(10000 + i),
        "name": f"Bench meeting {i}",
        "weekday": i % 7,
        "start_time": dt.time(7 + i % 14, 30 * (i % 2)),
        "time_zone": "America/Los_Angeles",
        "format": "phone_bridge" if phone else "in_person",
        "latitude": None if phone else latitude,
        "longitude": None if phone else longitude,
        "address": "" if phone else f"{i} Main St",
        "city": "" if phone else "Somewhere",
        "types": [],
    }


# The servers --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_line(port: int, redis_url: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, HOTLINE_REDIS_URL=redis_url, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "hotline.cli", "serve", "--port", str(port)]
    command += ["--log-level", "WARNING"]
    return _started(subprocess.Popen(command, env=env, cwd=ROOT), port)


def start_ceiling(port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", CEILING_APP, str(port)]
    return _started(subprocess.Popen(command, env=env, cwd=ROOT), port)


def _started(process: subprocess.Popen[bytes], port: int) -> subprocess.Popen[bytes]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server on port {port} did not start")


# The load -----------------------------------------------------------------------------------


def requests(route: Route, port: int, start: int) -> Iterator[bytes]:
    """Signed requests for a route, each with its own MessageSid or CallSid."""
    chosen = settings.load_settings()
    for n in range(start, 10**9):
        fields = route.fields(n)
        signature = sign(chosen, chosen.public_url + route.path, fields)
        headers = {"X-Twilio-Signature": signature}
        yield form_request(f"127.0.0.1:{port}", route.path, fields, headers)


# The deadline's fallbacks (config/messages/en): an answer, but not the one asked for.
SHED = (b"slow right now", b"having trouble")


def _failed(status: int, body: bytes) -> bool:
    """Not a 200, or the fallback the line gives when it could not answer in time."""
    return status != 200 or any(words in body for words in SHED)


@dataclass
class Result:
    done: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        """Real answers a second: the deadline's fallbacks do not count."""
        return (self.done - self.errors) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def max_throughput(port: int, made: Iterator[bytes], seconds: float) -> Result:
    """Closed loop: CONNECTIONS clients, each sending its next request as soon as it can."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        connection = Connection("127.0.0.1", port)
        while time.monotonic() < stop:
            request = next(made)
            sent = time.monotonic()
            reply = await connection.send(request)
            latencies.append(time.monotonic() - sent)
            errors += _failed(reply.status, reply.body)
        connection.close()

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(CONNECTIONS)))
    return Result(len(latencies), errors, time.monotonic() - started, latencies)


async def fixed_rate(port: int, made: list[bytes], rate: float) -> Result:
    """Open loop: request i is sent at start + i/rate, on an idle connection or a new one, as
    Twilio would; its latency runs from then, so a slow server cannot slow the offered load."""
    latencies: list[float] = []
    errors = 0
    idle: list[Connection] = []
    start = time.monotonic() + 0.1

    async def one(i: int) -> None:
        nonlocal errors
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        connection = idle.pop() if idle else Connection("127.0.0.1", port)
        reply = await connection.send(made[i])
        latencies.append(time.monotonic() - due)
        errors += _failed(reply.status, reply.body)
        idle.append(connection)

    await asyncio.gather(*(one(i) for i in range(len(made))))
    for connection in idle:
        connection.close()
    return Result(len(latencies), errors, len(made) / rate, latencies)


def measure(
    port: int, route: Route, seconds: float, rate: float, start: int
) -> tuple[Result, Result]:
    made = requests(route, port, start)
    asyncio.run(max_throughput(port, made, 1.0))  # warm up: connections, caches, contacts
    peak = asyncio.run(max_throughput(port, made, seconds))
    paced = [next(made) for _ in range(int(rate * seconds))]
    steady = asyncio.run(fixed_rate(port, paced, rate))
    return peak, steady


CRISIS_RATE = 10.0


def crisis_under_load(
    port: int, load: Route, seconds: float, rate: float, start: int
) -> tuple[Result, Result]:
    """Crisis texts at CRISIS_RATE a second while `load` is offered at `rate`, both paced."""
    crisis = next(route for route in ROUTES if route.name == "crisis text")
    loaded = requests(load, port, start)
    texts = requests(crisis, port, start + 500_000)
    background = [next(loaded) for _ in range(int(rate * seconds))]
    urgent = [next(texts) for _ in range(int(CRISIS_RATE * seconds))]

    async def both() -> tuple[Result, Result]:
        found = await asyncio.gather(
            fixed_rate(port, background, rate), fixed_rate(port, urgent, CRISIS_RATE)
        )
        return found[0], found[1]

    return asyncio.run(both())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--routes", default="", help="only these routes, comma-separated")
    args = parser.parse_args()
    chosen = [r for r in ROUTES if not args.routes or r.name in args.routes.split(",")]
    redis_url = os.environ.get("HOTLINE_BENCH_REDIS_URL")
    embedded = None
    if not redis_url:
        embedded = queues.embedded_redis(_TMP / "redis" / "bench.rdb")
        redis_url = queues.embedded_url(embedded)
    seed(args.meetings)
    line_port, ceiling_port = _free_port(), _free_port()
    line, ceiling = start_line(line_port, redis_url), start_ceiling(ceiling_port)
    print(
        f"database {db.get_engine().dialect.name}, {args.meetings:,} meetings, "
        f"{args.seconds:g} s per figure, offered {args.rate:g} req/s, {CONNECTIONS} connections"
    )
    try:
        top, _ = measure(ceiling_port, ROUTES[1], args.seconds, args.rate, 0)
        print(
            f"{'route':<14}{'max req/s':>10}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}"
            f"{'@rate p50':>11}{'@rate p99':>11}{'@rate max':>11}{'failed':>8}"
        )
        print(
            f"{'ceiling':<14}{top.rate:>10,.0f}{1:>8.2f}{top.pct(0.5):>9.1f}{top.pct(0.99):>9.1f}"
        )
        for index, route in enumerate(chosen):
            peak, steady = measure(line_port, route, args.seconds, args.rate, (index + 1) * 10**6)
            print(
                f"{route.name:<14}{peak.rate:>10,.0f}{peak.rate / top.rate:>8.3f}"
                f"{peak.pct(0.5):>9.1f}{peak.pct(0.99):>9.1f}{steady.pct(0.5):>11.1f}"
                f"{steady.pct(0.99):>11.1f}{1000 * max(steady.latencies):>11.1f}"
                f"{peak.errors + steady.errors:>8}"
            )
        if not args.routes or "crisis text" in args.routes.split(","):
            for load in ROUTES[:1]:
                busy, crisis = crisis_under_load(
                    line_port, load, args.seconds, args.rate, 9 * 10**6
                )
                print(
                    f"crisis text at {CRISIS_RATE:g}/s while {load.name} is offered at "
                    f"{args.rate:g}/s: p50 {crisis.pct(0.5):.1f} ms, p99 {crisis.pct(0.99):.1f}"
                    f" ms, max {1000 * max(crisis.latencies):.1f} ms, failed {crisis.errors}"
                    f" ({load.name} p99 {busy.pct(0.99):.1f} ms, failed {busy.errors})"
                )
    finally:
        for process in (line, ceiling):
            process.terminate()
            process.wait(10)
        if embedded is not None:
            embedded.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
