"""The deadline with the line's own process CPU-bound: busy threads beside `hotline serve`.

    .venv/bin/python bench/cpu_saturation.py [--threads 0,2,8,32] [--rate 20] [--seconds 3]

The deadline (hotline/bounded.py) is kept by the event loop, which shares the GIL with every
thread in the process: the lanes' threads, and anything else CPU-bound. Here `hotline serve`
runs with N extra threads spinning in pure Python (started once the server listens), and each
route is offered --rate req/s at constant intervals (timed from when each request was meant to
be sent, no coordinated omission). It prints, per N and route, p50 / p99 / max latency and how
many answers were the deadline's fallback. `--switch-interval` sets the server's
sys.setswitchinterval (Python's default is 0.005 s) once it has started, to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.webhook import (
    _TMP,
    ROOT,
    Route,
    _call,
    _free_port,
    _started,
    _text,
    fixed_rate,
    requests,
    seed,
)
from hotline import bounded, queues

BUSY_LINE = """
import signal, sys, threading
threads, interval, port = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
go = threading.Event()

def started(*_):
    if interval:  # after the server's own start-up, which sets its interval
        sys.setswitchinterval(interval)
    go.set()

signal.signal(signal.SIGUSR1, started)

def spin():
    go.wait()
    while True:
        sum(range(10_000))

for _ in range(threads):
    threading.Thread(target=spin, daemon=True).start()
from hotline.cli import main
sys.exit(main(["serve", "--port", port, "--log-level", "WARNING"]))
"""


def _nine(n: int) -> dict[str, str]:
    return {**_call(n), "Digits": "9"}


ROUTES = [
    Route("crisis text", "/twilio/sms", _text("i want to kill myself")),
    Route("HELP", "/twilio/sms", _text("HELP")),
    Route("voice entry", "/twilio/voice", _call),
    Route("9 at a menu", "/twilio/voice/step?m=main&a=0&l=en", _nine),
]


def start_busy_line(
    port: int, redis_url: str, threads: int, interval: float
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, HOTLINE_REDIS_URL=redis_url, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", BUSY_LINE, str(threads), str(interval), str(port)]
    process = _started(subprocess.Popen(command, env=env, cwd=ROOT), port)
    time.sleep(1.0)  # the app finishes loading before the threads start to spin
    process.send_signal(signal.SIGUSR1)
    return process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", default="0,2,8,32")
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--switch-interval", type=float, default=0.0)
    args = parser.parse_args()
    embedded = queues.embedded_redis(_TMP / "redis" / "bench.rdb")
    redis_url = queues.embedded_url(embedded)
    seed(args.meetings)
    interval = args.switch_interval or sys.getswitchinterval()
    print(
        f"{args.meetings:,} meetings, offered {args.rate:g} req/s per route for "
        f"{args.seconds:g} s, deadline {bounded.WEBHOOK_DEADLINE_SECONDS:g} s, "
        f"switch interval {interval * 1000:g} ms, {os.cpu_count()} cores"
    )
    print(f"{'busy':>5}  {'route':<13}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'fallbacks':>11}")
    start = 0
    try:
        for threads in (int(n) for n in args.threads.split(",")):
            port = _free_port()
            line = start_busy_line(port, redis_url, threads, args.switch_interval)
            try:
                for route in ROUTES:
                    start += 10**6
                    made = requests(route, port, start)
                    paced = [next(made) for _ in range(int(args.rate * args.seconds))]
                    result = asyncio.run(fixed_rate(port, paced, args.rate))
                    print(
                        f"{threads:>5}  {route.name:<13}{result.pct(0.5):>9.1f}"
                        f"{result.pct(0.99):>9.1f}{1000 * max(result.latencies):>9.1f}"
                        f"{result.errors:>11}",
                        flush=True,
                    )
            finally:
                line.terminate()
                line.wait(10)
    finally:
        embedded.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
