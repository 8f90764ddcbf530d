"""`hotline worker`: one RQ worker taking urgent, then default, then bulk."""

from __future__ import annotations

from rq import SimpleWorker

from hotline.queues import QUEUE_ORDER, get_queue, get_redis


def run_worker(*, burst: bool = False, name: str | None = None) -> bool:
    """Work the three queues in priority order until stopped (or empty, with burst)."""
    # SimpleWorker runs jobs in-process: no fork per job, so one worker sustains thousands of
    # sends a second; our jobs are short, idempotent and hold no state between runs.
    connection = get_redis()
    queues = [get_queue(name_, connection) for name_ in QUEUE_ORDER]
    worker = SimpleWorker(queues, connection=connection, name=name, log_job_description=False)
    return bool(worker.work(burst=burst, logging_level="WARNING", with_scheduler=True))
