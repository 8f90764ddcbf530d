"""Drills: break a part on purpose, then prove every webhook was answered in time, none lost.

The line runs as `hotline serve` runs it (tests/drills/line.py): uvicorn with the same protocol
and limits, on a loopback port, in a thread of the test process; requests are signed like
Twilio's and sent concurrently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from hotline import bounded
from hotline.settings import Settings
from hotline.web import server
from hotline.web.app import create_app
from tests.conftest import free_port, serving
from tests.drills.line import Line

# The outbound jobs' fixtures: a misbehaving Twilio stand-in, settings swapped per test.
from tests.jobs.conftest import standin, standin_server, use_settings  # noqa: F401

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
    port = free_port()
    live = dataclasses.replace(settings, public_url=f"http://127.0.0.1:{port}")
    config = server.config(create_app(live), host="127.0.0.1", port=port, log_level="warning")
    with serving(config):
        yield Line(live)
    bounded.SPOOL.clear()
