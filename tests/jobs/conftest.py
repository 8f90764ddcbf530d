"""Fixtures for outbound jobs: Prism serving Twilio's spec, a misbehaving stand-in, settings."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from hotline import settings as settings_module
from hotline.settings import Settings, load_settings
from tests.twilio_standin import TwilioStandIn

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "node_modules/@twilio/cli-core/src/services/twilio-api/twilio_api_v2010.json"

UseSettings = Callable[..., Settings]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_prism(*extra: str) -> tuple[subprocess.Popen[str], str]:
    """Start Prism mocking Twilio's REST API from Twilio's own OpenAPI spec."""
    if not PRISM.exists() or not SPEC.exists():
        pytest.fail("Prism or the Twilio spec is not installed: run scripts/bootstrap (npm ci)")
    port = free_port()
    command = [str(PRISM), "mock", *extra, "-h", "127.0.0.1", "-p", str(port), str(SPEC)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT
    )
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    for line in process.stdout:
        if "Prism is listening" in line:
            break
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("Prism did not start within 60 s")
    else:
        pytest.fail(f"Prism exited with {process.wait()}")
    # Keep reading its log, so a full pipe never stalls it.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    """Prism answering with the spec's examples (the same SID every time)."""
    process, url = _start_prism()
    yield url
    _stop(process)


@pytest.fixture(scope="session")
def prism_dynamic_url() -> Iterator[str]:
    """Prism answering with values generated from the spec's schemas: a new SID each send."""
    process, url = _start_prism("--dynamic")
    yield url
    _stop(process)


@pytest.fixture(scope="session")
def standin_server() -> Iterator[TwilioStandIn]:
    server = TwilioStandIn().start()
    yield server
    server.stop()


@pytest.fixture()
def standin(standin_server: TwilioStandIn) -> TwilioStandIn:
    standin_server.reset()
    return standin_server


@pytest.fixture()
def use_settings(database: Engine, monkeypatch: pytest.MonkeyPatch) -> UseSettings:
    """Swap the process-wide settings for ones with the given overrides."""

    def use(**overrides: Any) -> Settings:
        chosen = load_settings(**overrides)
        monkeypatch.setattr(settings_module, "get_settings", lambda: chosen)
        return chosen

    return use
