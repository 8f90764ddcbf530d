"""Work that must not hold up an answer: bounded lanes, a hard deadline, and a retry spool.

Twilio waits 15 s for a webhook and then gives up; the person hears or reads nothing. So every
webhook's blocking work (database, Redis) runs in a lane of a few threads of its own, and the
handler awaits it for at most the deadline. When the work misses it, the handler answers with
a safe fallback that names the crisis line, and the work is not dropped: it finishes in the
background, or, when it fails (database down), its recording is put on the spool and retried
until the database answers again. When a lane is full, new work is shed at once: Twilio will
have abandoned it long before its turn would come.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import redis.exceptions
import sqlalchemy.exc

from hotline.logs import log

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Twilio waits 15 s for a webhook; every answer must leave well before that.
WEBHOOK_DEADLINE_SECONDS = 8.0
# The crisis reply says a volunteer is paged only when the case is recorded within this budget.
CRISIS_RECORD_BUDGET_SECONDS = 6.0
# Blocking work in a webhook lane is told to give up on the database after this long (see db.py).
LANE_DB_TIMEOUT_SECONDS = 5.0
_local = threading.local()


def db_timeout() -> float | None:
    """The database wait the current thread allows, when it runs in a lane; None elsewhere."""
    return LANE_DB_TIMEOUT_SECONDS if getattr(_local, "in_lane", False) else None


class Lane:
    """A few threads for one kind of blocking work, admitting at most `threads + backlog`.

    It also refuses work that would wait past its budget: the time each piece of work takes is
    averaged as it runs, and a queue that would take longer than the budget to drain means
    the caller is better answered now than late.
    """

    def __init__(self, name: str, *, threads: int, backlog: int) -> None:
        self.name = name
        self.threads = threads
        self.capacity = threads + backlog
        self._executor = concurrent.futures.ThreadPoolExecutor(
            threads, thread_name_prefix=name, initializer=self._init_thread
        )
        self._lock = threading.Condition()
        self._admitted = 0
        self._seconds_each = 0.0  # moving average of how long one piece of work takes

    @staticmethod
    def _init_thread() -> None:
        _local.in_lane = True

    def admitted(self) -> int:
        return self._admitted

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no work is admitted; False if some is still running after `timeout`."""
        with self._lock:
            return self._lock.wait_for(lambda: self._admitted == 0, timeout)

    def try_submit(
        self, work: Callable[[], T], budget: float = float("inf")
    ) -> concurrent.futures.Future[T] | None:
        """Run work on the lane, or return None (shed) when it is full or would start too late."""
        with self._lock:
            waiting = max(0, self._admitted - self.threads + 1)
            if self._admitted >= self.capacity or waiting * self._seconds_each > budget:
                return None
            self._admitted += 1
        try:
            future = self._executor.submit(self._timed, work)
        except RuntimeError:  # the executor is shutting down
            self._release(0.0)
            return None
        return future

    def _timed(self, work: Callable[[], T]) -> T:
        started = time.monotonic()
        try:
            return work()
        finally:
            self._release(time.monotonic() - started)

    def _release(self, seconds: float) -> None:
        with self._lock:
            self._admitted -= 1
            # One thread's share of the wait: `threads` pieces run side by side.
            self._seconds_each += (seconds / self.threads - self._seconds_each) * 0.1
            self._lock.notify_all()


# Webhooks that talk to the database; sized well under the PostgreSQL pool (10 + 20), so the
# lanes together can never take every connection, and a locked SQLite holds at most these. The
# backlog is short enough to drain within the deadline; work still queued at its deadline is
# shed (only its recording is kept, on the spool).
WEBHOOKS = Lane("webhook", threads=8, backlog=64)
# SQLite runs one transaction at a time (db.py): more threads only wait, and hand the GIL about.
# On PostgreSQL, 6: enough to overlap network waits; with 16, CPU-bound work (a slow FIND)
# starved the event loop of the GIL, so even the deadline's fallback left late.
SQLITE_THREADS = 4
POSTGRES_THREADS = 6


def size_lanes(*, sqlite: bool) -> None:
    """Size the webhook lane for the database in use (called once, when the app is built)."""
    global WEBHOOKS
    threads = SQLITE_THREADS if sqlite else POSTGRES_THREADS
    if WEBHOOKS.threads != threads and WEBHOOKS.admitted() == 0:
        WEBHOOKS = Lane("webhook", threads=threads, backlog=64)


# Crisis records never wait behind ordinary webhooks.
CRISIS = Lane("crisis-record", threads=4, backlog=200)


def settle(timeout: float = 15.0) -> bool:
    """Wait for the work the lanes still run after answering (tests read its rows after it)."""
    deadline = time.monotonic() + timeout
    return all(lane.wait_idle(max(0.0, deadline - time.monotonic())) for lane in (WEBHOOKS, CRISIS))


@dataclass(order=True)
class _Retry:
    due: float
    order: int
    work: Callable[[], object] = field(compare=False)
    event: str = field(compare=False)
    ids: dict[str, object] = field(compare=False)
    attempt: int = field(default=0, compare=False)


class Spool:
    """Recordings that failed, retried with backoff until they succeed or the spool gives up.

    Kept in this process's memory: it outlives a database or Redis outage, not a restart.
    """

    def __init__(self, *, max_items: int = 10_000, max_attempts: int = 40) -> None:
        self.max_items = max_items
        self.max_attempts = max_attempts
        self._heap: list[_Retry] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self.lost = 0

    def __len__(self) -> int:
        with self._cond:
            return len(self._heap)

    def put(self, work: Callable[[], object], *, event: str, **ids: object) -> None:
        """Retry work later (first in about a second)."""
        self._push(_Retry(time.monotonic() + 1.0, next(self._order), work, event, ids))

    def _push(self, item: _Retry) -> None:
        with self._cond:
            if len(self._heap) >= self.max_items:
                self.lost += 1
                log(logger, f"{item.event}_lost", logging.ERROR, reason="spool_full", **item.ids)
                return
            heapq.heappush(self._heap, item)
            self._start()
            self._cond.notify()
        log(logger, f"{item.event}_spooled", logging.WARNING, attempt=item.attempt, **item.ids)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="spool", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        _local.in_lane = True  # retries give up on a locked database as quickly as lanes do
        while True:
            with self._cond:
                while not self._heap or self._heap[0].due > time.monotonic():
                    wait = self._heap[0].due - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                item = heapq.heappop(self._heap)
            self._attempt(item)

    def _attempt(self, item: _Retry) -> bool:
        try:
            item.work()
        except Exception as exc:
            item.attempt += 1
            if item.attempt >= self.max_attempts:
                self.lost += 1
                log(
                    logger,
                    f"{item.event}_lost",
                    logging.ERROR,
                    error=type(exc).__name__,
                    **item.ids,
                )
                return False
            item.due = time.monotonic() + min(60.0, 2.0**item.attempt)
            with self._cond:
                heapq.heappush(self._heap, item)
            return False
        log(logger, f"{item.event}_recovered", logging.INFO, attempt=item.attempt, **item.ids)
        return True

    def clear(self) -> int:
        """Forget everything waiting (tests start from an empty spool); return how many."""
        with self._cond:
            dropped, self._heap = len(self._heap), []
        return dropped

    def drain(self) -> int:
        """Try everything on the spool once, now; return how many are still waiting."""
        with self._cond:
            items, self._heap = self._heap, []
        for item in sorted(items):
            self._attempt(item)
        return len(self)


SPOOL = Spool()


def _guarded(
    work: Callable[[], T],
    late: Callable[[], object] | None,
    due: float,
    event: str,
    ids: dict[str, object],
) -> Callable[[], T | None]:
    """Wrap work for a lane: skip it when its answer is already too late, spool it on failure."""

    def run() -> T | None:
        if time.monotonic() > due and late is not None:
            # Nobody waits for this answer any more; only its recording still matters, and the
            # spool does that without holding this lane.
            log(logger, f"{event}_shed", logging.WARNING, reason="late", **ids)
            SPOOL.put(late, event=f"{event}_record", **ids)
            return None
        try:
            return work()
        except BaseException as exc:  # native code can raise BaseException (PanicException)
            log(logger, f"{event}_failed", logging.ERROR, error=type(exc).__name__, **ids)
            if late is not None:
                _record_later(late, exc, event, ids)
            raise

    return run


# Failures worth retrying: the database or Redis out of reach, locked or slow. Anything else
# is a bug, and retrying the same work would only fail the same way.
TRANSIENT: tuple[type[BaseException], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    TimeoutError,
    OSError,
)


def _record_later(
    late: Callable[[], object], exc: BaseException, event: str, ids: dict[str, object]
) -> None:
    """Retry the recording from the spool when the failure may pass; else try it once now."""
    if isinstance(exc, TRANSIENT):
        SPOOL.put(late, event=f"{event}_record", **ids)
        return
    try:  # the recording alone is a simpler path than the work that broke
        late()
    except BaseException as again:
        log(logger, f"{event}_record_lost", logging.ERROR, error=type(again).__name__, **ids)


def _shielded(future: concurrent.futures.Future[T]) -> asyncio.Future[T]:
    """The lane's future for the event loop, shielded from the deadline's cancellation.

    Work that outlives its deadline may still fail later; that failure is logged and spooled
    by the lane thread, so it is read here only to keep asyncio from logging it again.
    """
    wrapped = asyncio.wrap_future(future)
    wrapped.add_done_callback(_observed)
    return asyncio.shield(wrapped)


def _observed(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


async def within_deadline(
    work: Callable[[], T],
    *,
    fallback: Callable[[], T],
    late: Callable[[], object] | None,
    event: str,
    lane: Lane | None = None,
    deadline: float | None = None,
    **ids: object,
) -> T:
    """Return work()'s result from a lane thread, or fallback() when it fails or is too slow.

    `late` is the part of the work that must happen even when the answer did not wait for it
    (record the text or the call); it runs when the lane shed the work, and is retried from
    the spool when the work failed.
    """
    budget = WEBHOOK_DEADLINE_SECONDS if deadline is None else deadline
    guarded = _guarded(work, late, time.monotonic() + budget, event, ids)
    # Shed at once what could not start within the first quarter of its budget: the rest is
    # for the work itself, and for an event loop that shares the GIL with the lane.
    future = (lane or WEBHOOKS).try_submit(guarded, budget / 4)
    if future is None:
        log(logger, f"{event}_shed", logging.WARNING, reason="lane_full", **ids)
        if late is not None:
            SPOOL.put(late, event=f"{event}_record", **ids)
        return fallback()
    try:
        result = await asyncio.wait_for(_shielded(future), budget)
    except TimeoutError:
        log(logger, f"{event}_deadline", logging.ERROR, **ids)
        return fallback()
    except asyncio.CancelledError:
        raise
    except BaseException:  # already logged and spooled by the lane thread
        return fallback()
    return fallback() if result is None else result


def record_within_budget(
    record: Callable[[], T], *, event: str, budget: float | None = None, **ids: object
) -> T | None:
    """Return record()'s result, or None when it failed or is still running after the budget.

    A dead database fails and the recording goes on the spool; a slow one (locked, overloaded)
    keeps going in the background after we have answered, so the case is still opened and
    paged, only later.
    """
    future = CRISIS.try_submit(_guarded(record, record, float("inf"), event, ids))
    if future is None:
        SPOOL.put(record, event=f"{event}_record", **ids)
        return None
    try:
        return future.result(timeout=CRISIS_RECORD_BUDGET_SECONDS if budget is None else budget)
    except concurrent.futures.TimeoutError:
        log(logger, f"{event}_slow", logging.ERROR, **ids)
    except BaseException:  # the person must get the crisis answer whatever broke; spooled
        return None
    return None


async def record_within_budget_async(
    record: Callable[[], T], *, event: str, budget: float | None = None, **ids: object
) -> T | None:
    """record_within_budget for the event loop: the wait holds no thread.

    When every crisis-record thread is already busy the record is queued but not waited
    for: the reply from memory goes now, instead of after the records ahead of this one.
    """
    busy = CRISIS.admitted() >= CRISIS.threads
    future = CRISIS.try_submit(_guarded(record, record, float("inf"), event, ids))
    if future is None:
        SPOOL.put(record, event=f"{event}_record", **ids)
        return None
    if busy:
        log(logger, f"{event}_queued", logging.WARNING, **ids)
        asyncio.wrap_future(future).add_done_callback(_observed)
        return None
    limit = CRISIS_RECORD_BUDGET_SECONDS if budget is None else budget
    try:
        return await asyncio.wait_for(_shielded(future), limit)
    except TimeoutError:
        log(logger, f"{event}_slow", logging.ERROR, **ids)
    except asyncio.CancelledError:
        raise
    except BaseException:  # already logged and spooled
        return None
    return None
