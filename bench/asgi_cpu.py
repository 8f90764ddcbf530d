"""CPU time a webhook costs the line: signed posts through the real ASGI app, in-process.

    .venv/bin/python bench/asgi_cpu.py [--routes "HELP,FIND 94110"] [--meetings 5000]
    .venv/bin/python bench/asgi_cpu.py --routes HELP --profile 25   # where the time goes

No sockets and no uvicorn: each request is handed to the app built by `hotline serve`
(`create_app`, warmed up the same way) one after the other, and the figure is the process's
CPU time per request (event loop and lane threads together; the embedded Redis server's CPU is
not counted), the lowest and the median of 4 batches of 250 after 1,000 to warm up. CPU time,
unlike bench/webhook.py's rates, hardly moves with other work on a shared machine, so it tells
two versions of the code apart where the webhook bench's figures cannot. The routes and the
seeded meetings are bench/webhook.py's (SQLite and an embedded Redis unless
HOTLINE_BENCH_DATABASE_URL / HOTLINE_BENCH_REDIS_URL say otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.webhook import _TMP, ROUTES, Route, seed
from hotline import bounded, queues
from hotline import settings as settings_module
from hotline.web.twilio_auth import sign

WARM, BATCH, BATCHES = 1000, 250, 4
Scope = dict[str, Any]


def _request(route: Route, n: int) -> tuple[Scope, bytes]:
    chosen = settings_module.get_settings()
    fields = route.fields(n)
    body = urlencode(fields).encode()
    signature = sign(chosen, chosen.public_url + route.path, fields)
    headers = [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"content-length", str(len(body)).encode()),
        (b"x-twilio-signature", signature.encode()),
    ]
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": route.path,
        "raw_path": route.path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    return scope, body


async def _post(app: Any, scope: Scope, body: bytes) -> list[dict[str, Any]]:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:  # the app asks again only to watch for a disconnect
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    out: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        out.append(message)

    await app(scope, receive, send)
    return out


async def _measure(app: Any, route: Route, start: int) -> tuple[list[float], bytes]:
    made = [_request(route, start + n) for n in range(WARM + BATCH * BATCHES)]
    for scope, body in made[:WARM]:
        await _post(app, scope, body)
    per_request, answer = [], b""
    for batch in range(BATCHES):
        chosen = made[WARM + BATCH * batch : WARM + BATCH * (batch + 1)]
        used = time.process_time()
        for scope, body in chosen:
            answer = (await _post(app, scope, body))[-1]["body"]
        per_request.append((time.process_time() - used) / len(chosen) * 1000)
    return per_request, answer


def _profiled(app: Any, route: Route, start: int, top: int) -> None:
    """Profile 500 requests after the warm-up: the event loop and the lane threads together."""
    from hotline.bounded import Lane

    profiles: list[cProfile.Profile] = []
    timed = Lane._timed

    def profiled_timed(self: Lane, work: Any) -> Any:
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()
        try:
            return timed(self, work)
        finally:
            profile.disable()

    made = [_request(route, start + n) for n in range(WARM + 500)]

    async def run() -> None:
        for scope, body in made[:WARM]:
            await _post(app, scope, body)
        Lane._timed = profiled_timed  # type: ignore[method-assign]
        loop = cProfile.Profile()
        profiles.append(loop)
        loop.enable()
        for scope, body in made[WARM:]:
            await _post(app, scope, body)
        loop.disable()
        Lane._timed = timed  # type: ignore[method-assign]

    asyncio.run(run())
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        stats.add(profile)
    print(f"--- {route.name}: 500 requests, event loop and lane threads")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"hotline/|starlette|twilio", top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--routes", default="", help="only these routes, comma-separated")
    parser.add_argument("--profile", type=int, default=0, help="profile instead; top N lines")
    args = parser.parse_args()
    url = os.environ.get("HOTLINE_BENCH_REDIS_URL")
    embedded = None
    if not url:
        embedded = queues.embedded_redis(_TMP / "redis" / "bench.rdb")
        url = queues.embedded_url(embedded)
    os.environ["HOTLINE_REDIS_URL"] = url
    settings_module.get_settings.cache_clear()
    queues.get_redis.cache_clear()
    seed(args.meetings)
    from hotline.web import server
    from hotline.web.app import create_app

    app = create_app()
    server.warm_up()
    chosen = [r for r in ROUTES if not args.routes or r.name in args.routes.split(",")]
    if args.profile:
        for index, route in enumerate(chosen):
            _profiled(app, route, (index + 1) * 10**6, args.profile)
        bounded.settle()
        if embedded is not None:
            embedded.shutdown()
        return 0
    print(f"CPU ms a request, in-process, {args.meetings:,} meetings (min and median of 4 x 250)")
    try:
        for index, route in enumerate(chosen):
            per_request, answer = asyncio.run(_measure(app, route, (index + 1) * 10**6))
            fallback = b"slow right now" in answer or b"having trouble" in answer
            print(
                f"{route.name:<14}{min(per_request):>8.2f}{statistics.median(per_request):>8.2f}"
                + ("   (the last answer was a fallback)" if fallback else "")
            )
    finally:
        bounded.settle()
        if embedded is not None:
            embedded.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
