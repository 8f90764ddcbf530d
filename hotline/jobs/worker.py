"""`hotline worker`: one RQ worker taking urgent, then default, then bulk."""

from __future__ import annotations

import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import SimpleWorker

from hotline.logs import log
from hotline.queues import QUEUE_ORDER, REDIS_DOWN_SECONDS, get_queue, get_redis

logger = logging.getLogger(__name__)


def run_worker(*, burst: bool = False, name: str | None = None) -> bool:
    """Work the three queues in priority order until stopped (or empty, with burst).

    RQ quits when Redis goes away in the middle of a job; the worker starts again once Redis
    answers, so a Redis restart does not need someone to restart every worker. (The job that
    was cut off leaves its rows "sending"; the reconciler releases or settles them.)
    """
    while True:
        worker: SimpleWorker | None = None
        try:
            # SimpleWorker runs jobs in-process: no fork per job, so one worker sustains
            # thousands of sends a second; our jobs are short, idempotent and stateless.
            connection = get_redis()
            queues = [get_queue(name_, connection) for name_ in QUEUE_ORDER]
            worker = SimpleWorker(
                queues, connection=connection, name=name, log_job_description=False
            )
            return bool(worker.work(burst=burst, logging_level="WARNING", with_scheduler=True))
        except (RedisConnectionError, RedisTimeoutError) as exc:
            if burst or (worker is not None and worker._shutdown_requested_date is not None):
                raise
            log(logger, "worker_redis_lost", logging.WARNING, error=type(exc).__name__)
            time.sleep(REDIS_DOWN_SECONDS)
