"""Run the real pipeline out of process: seed many subscribers, start worker subprocesses."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text

from hotline.models import Contact, Group, Meeting, OutboxMessage, Subscription
from hotline.phones import vault_for
from tests.clock import daytime_zone

ROOT = Path(__file__).resolve().parents[2]
FINAL = ("sent", "delivered", "undelivered", "failed", "abandoned", "skipped")


def seed_members(engine: Engine, secret_key: str, count: int, code: str = "4821") -> int:
    """Create a meeting with `count` text subscribers; return the meeting id."""
    vault = vault_for(secret_key)
    zone = daytime_zone()
    with engine.begin() as conn:
        group_id = conn.execute(
            insert(Group).values(slug=f"bench-{code}", name="Bench").returning(Group.id)
        ).scalar_one()
        meeting_id = conn.execute(
            insert(Meeting)
            .values(
                group_id=group_id,
                slug=f"bench-{code}",
                code=code,
                name="Bench meeting",
                weekday=1,
                start_time=dt.time(19, 0),
                time_zone="America/New_York",
                format="phone_bridge",
                types=[],
            )
            .returning(Meeting.id)
        ).scalar_one()
        numbers = [
            f"+1202555{n:04d}" if n < 10000 else f"+1303555{n - 10000:04d}" for n in range(count)
        ]
        first = (conn.execute(select(func.max(Contact.id))).scalar() or 0) + 1
        conn.execute(
            insert(Contact),
            [
                {
                    "id": first + i,
                    "phone_hash": vault.index(number),
                    "phone_encrypted": vault.encrypt(number),
                    "time_zone": zone,
                }
                for i, number in enumerate(numbers)
            ],
        )
        conn.execute(
            insert(Subscription),
            [{"contact_id": first + i, "meeting_id": meeting_id} for i in range(count)],
        )
        if engine.dialect.name == "postgresql":
            # The ids above were given, not drawn: move the sequence past them, so contacts made
            # later (a member texting in) do not collide with them.
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('contacts', 'id'), max(id)) FROM contacts"
                )
            )
    return int(meeting_id)


def worker_env(database_url: str, redis_url: str, api_url: str, rate: float) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "HOTLINE_DATABASE_URL": database_url,
            "HOTLINE_REDIS_URL": redis_url,
            "HOTLINE_TRANSPORT": "twilio",
            "HOTLINE_TWILIO_API_URL": api_url,
            "HOTLINE_SEGMENTS_PER_SECOND": str(rate),
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("HOTLINE_DEMO", None)
    return env


def start_workers(
    env: dict[str, str], count: int, *, naive: bool = False, stderr: int | None = subprocess.DEVNULL
) -> list[subprocess.Popen[bytes]]:
    """Start `hotline worker` processes (or RQ's default forking Worker, for comparison)."""
    if naive:
        code = (
            "from rq import Worker; from hotline.queues import get_redis, get_queue, QUEUE_ORDER; "
            "r = get_redis(); Worker([get_queue(q, r) for q in QUEUE_ORDER], connection=r)"
            ".work(logging_level='WARNING')"
        )
        command = [sys.executable, "-c", code]
    else:
        command = [sys.executable, "-m", "hotline.cli", "worker", "--log-level", "WARNING"]
    return [
        # Each worker leads its own process group, so stopping or killing it takes its RQ
        # scheduler child along too, as a machine crash would.
        subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stderr=stderr,
            preexec_fn=_die_with_parent,
            start_new_session=True,
        )
        for _ in range(count)
    ]


def _die_with_parent() -> None:
    """Have Linux stop a worker when the test or bench that started it dies, however it dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def kill_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal a worker and every process it started (its RQ scheduler)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        kill_group(process, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            kill_group(process, signal.SIGKILL)
            process.wait()


def counts(engine: Engine, broadcast_id: int | None = None) -> dict[str, int]:
    statement = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if broadcast_id is not None:
        statement = statement.where(OutboxMessage.broadcast_id == broadcast_id)
    with engine.connect() as conn:
        return {status: int(n) for status, n in conn.execute(statement)}


def wait_until_final(
    engine: Engine, total: int, timeout: float, broadcast_id: int | None = None
) -> float:
    """Wait until `total` rows are final; return the seconds it took (or the timeout)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        done = sum(counts(engine, broadcast_id).get(s, 0) for s in FINAL)
        if done >= total:
            break
        time.sleep(0.5)
    return time.monotonic() - started
