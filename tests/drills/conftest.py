"""Drills: break a part on purpose, then prove every webhook was answered in time, none lost.

The line runs as `hotline serve` runs it (tests/drills/line.py): uvicorn with the same protocol
and limits, on a loopback port, in a thread of the test process; requests are signed like
Twilio's and sent concurrently.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from hotline import bounded
from hotline.settings import Settings
from hotline.web import server
from hotline.web.app import create_app
from tests.drills.line import Line

# Shorter than production's 8 s, so the drills stay quick; the code reads these when it runs.
DEADLINE_SECONDS = 3.0
LANE_DB_TIMEOUT_SECONDS = 1.0


@pytest.fixture()
def quick_deadline(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(bounded, "WEBHOOK_DEADLINE_SECONDS", DEADLINE_SECONDS)
    monkeypatch.setattr(bounded, "LANE_DB_TIMEOUT_SECONDS", LANE_DB_TIMEOUT_SECONDS)
    monkeypatch.setattr(bounded, "CRISIS_RECORD_BUDGET_SECONDS", DEADLINE_SECONDS - 1)
    bounded.SPOOL.clear()
    return DEADLINE_SECONDS


@pytest.fixture()
def line(settings: Settings) -> Iterator[Line]:
    """The real app under the real server settings, on a loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    live = dataclasses.replace(settings, public_url=url)
    config = server.config(create_app(live), host="127.0.0.1", port=port, log_level="warning")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uvicorn_server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield Line(live)
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    bounded.SPOOL.clear()
