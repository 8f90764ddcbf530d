"""The README's deployer path, from an empty database, with the real processes.

`hotline db upgrade` → `hotline import` → `hotline staff add` (an admin and a responder) →
`hotline serve` + `hotline worker` → a signed crisis text → the responder is paged through the
real twilio client against Prism. Then with nobody on call the admin is paged, and with nobody
at all the reply says so; /readyz names `oncall` at each step.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis
from rq import Worker
from sqlalchemy import Engine, create_engine, select, text

from hotline.models import Contact, OutboxMessage
from hotline.phones import vault_for
from hotline.settings import load_settings
from hotline.web.twilio_auth import sign
from tests.conftest import BASE_DATABASE_URL
from tests.jobs import pipeline
from tests.jobs.conftest import free_port
from tests.serving import wait_until_serving
from tests.twilio import new_sid

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_URL = "https://hotline.example.org"
ADMIN, RESPONDER = "+14155550101", "+14155550102"
MEMBERS = ("+14155550191", "+14155550192", "+14155550193")


@pytest.fixture()
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database nobody has migrated: a new SQLite file, or a new PostgreSQL schema."""
    if not BASE_DATABASE_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path}/deploy.db"
        return
    schema = f"hotline_deploy_{os.getpid()}"
    admin = create_engine(BASE_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    joiner = "&" if "?" in BASE_DATABASE_URL else "?"
    yield f"{BASE_DATABASE_URL}{joiner}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


class Line:
    """The deployed line: its environment, its processes and what it has stored."""

    def __init__(self, database_url: str, redis_url: str, api_url: str, logs: Path) -> None:
        self.env = pipeline.worker_env(database_url, redis_url, api_url, 50.0)
        self.env["HOTLINE_PUBLIC_URL"] = PUBLIC_URL
        self.settings = load_settings(self.env)
        self.engine: Engine = create_engine(database_url)
        self.port = free_port()
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs = logs

    def hotline(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "hotline.cli", *args],
            capture_output=True, text=True, cwd=ROOT, env=self.env, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout

    def start(self) -> None:
        serve = [sys.executable, "-m", "hotline.cli", "serve", "--port", str(self.port)]
        self.processes.append(
            subprocess.Popen(serve, env=self.env, cwd=ROOT, start_new_session=True)
        )
        with self.logs.open("ab") as log:
            self.processes += pipeline.start_workers(self.env, 1, stderr=log.fileno())
        wait_until_serving(self.processes[0], self.url)

    def wait_for_worker(self, redis: Redis, timeout: float = 60) -> None:
        """Wait until the worker has registered with Redis, so it takes the next job."""
        deadline = time.monotonic() + timeout
        while not Worker.all(connection=redis):
            assert time.monotonic() < deadline, self.logs.read_text()[-3000:]
            time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def text(self, sender: str, body: str) -> str:
        """Post a text as Twilio would, through a proxy that ends TLS for the public URL."""
        params = {"MessageSid": new_sid("SM"), "From": sender}
        params |= {"To": self.env["HOTLINE_FROM_NUMBER"], "Body": body, "NumMedia": "0"}
        signature = sign(self.settings, f"{PUBLIC_URL}/twilio/sms", params)
        response = httpx.post(
            f"{self.url}/twilio/sms",
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=20,
        )
        assert response.status_code == 200, response.text
        return response.text

    def ready(self, strict: bool = False) -> httpx.Response:
        return httpx.get(f"{self.url}/readyz{'?strict=1' if strict else ''}", timeout=10)

    def paged(self, number: str, purpose: str = "alert", timeout: float = 90) -> OutboxMessage:
        """Wait for the text of `purpose` to this number to be sent through Twilio's API."""
        phone_hash = vault_for(self.settings.secret_key).index(number)
        statement = (
            select(OutboxMessage)
            .join(Contact, Contact.id == OutboxMessage.contact_id)
            .where(Contact.phone_hash == phone_hash, OutboxMessage.purpose == purpose)
        )
        deadline = time.monotonic() + timeout
        while True:
            with self.engine.connect() as conn:
                row = conn.execute(statement).first()
            if row is not None and row.status == "sent":
                return row  # type: ignore[return-value]
            assert time.monotonic() < deadline, (row, self.logs.read_text()[-3000:])
            time.sleep(0.2)

    def stop(self) -> None:
        pipeline.stop(self.processes)
        self.engine.dispose()


def test_a_new_line_from_an_empty_database(
    empty_database: str, redis_url: str, redis: Redis, prism_dynamic_url: str, tmp_path: Path
) -> None:
    line = Line(empty_database, redis_url, prism_dynamic_url, tmp_path / "worker.log")
    try:
        assert "newest revision" in line.hotline("db", "upgrade")
        assert "created" in line.hotline("import", "config/sample_feed.json")
        line.hotline("staff", "add", "--name", "Ada", "--phone", ADMIN, "--role", "admin")
        out = line.hotline(
            "staff", "add", "--name", "Rae", "--phone", RESPONDER, "--role", "responder"
        )
        responder_id = out.split()[2]
        admin_id = line.hotline("staff", "list").split("\n")[1].split()[0]
        line.start()
        assert line.ready().json()["oncall"] == "ok"
        line.wait_for_worker(redis)

        reply = line.text(MEMBERS[0], "i want to kill myself")
        assert "988" in reply and "alerting someone on call" in reply
        alert = line.paged(RESPONDER)
        # Prism invents a SID from the spec's pattern for every send.
        assert re.fullmatch(r"(SM|MM)[0-9a-fA-F]{32}", alert.twilio_sid or ""), alert.twilio_sid

        # Nobody on call: the admin is the fallback, and the promise still holds.
        line.hotline("staff", "remove", responder_id)
        assert line.ready().json()["oncall"] == "fallback"
        assert "alerting someone on call" in line.text(MEMBERS[1], "i want to kill myself")
        assert line.paged(ADMIN).status == "sent"

        # Nobody at all: the reply says so plainly; /readyz stays up but degraded.
        line.hotline("staff", "remove", admin_id)
        ready = line.ready()
        assert ready.status_code == 200
        assert ready.json()["oncall"] == "none" and ready.json()["degraded"] is True
        assert line.ready(strict=True).status_code == 503
        reply = line.text(MEMBERS[2], "i want to kill myself")
        assert "988" in reply and "Nobody from this line can call you back right now." in reply
        assert "alerting someone" not in reply
    finally:
        line.stop()
