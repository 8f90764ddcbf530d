"""The lanes and the retry spool behind every webhook's deadline (hotline/bounded.py)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from hotline import bounded
from hotline.bounded import Lane, Spool, record_within_budget_async, within_deadline


def test_a_full_lane_sheds_new_work_at_once() -> None:
    lane = Lane("test", threads=1, backlog=1)
    release = threading.Event()
    running = lane.try_submit(release.wait)
    queued = lane.try_submit(lambda: True)
    assert running is not None and queued is not None
    assert lane.try_submit(lambda: True) is None
    release.set()
    assert queued.result(5) is True
    assert lane.try_submit(lambda: "again") is not None


def test_the_spool_retries_until_the_work_succeeds() -> None:
    spool = Spool(max_attempts=5)
    tries: list[int] = []

    def record() -> None:
        tries.append(1)
        if len(tries) < 3:
            raise ConnectionError("database down")

    spool.put(record, event="test", message_sid="SM1")
    while len(tries) < 3:
        spool.drain()
    assert len(spool) == 0 and spool.lost == 0 and len(tries) == 3


def test_the_spool_gives_up_after_max_attempts_and_counts_the_loss() -> None:
    spool = Spool(max_attempts=2)

    def record() -> None:
        raise ConnectionError("database down")

    spool.put(record, event="test")
    spool.drain()
    spool.drain()
    assert spool.lost == 1 and len(spool) == 0


def test_work_past_the_deadline_gets_the_fallback_and_still_finishes() -> None:
    release = threading.Event()
    finished = threading.Event()

    def slow() -> str:
        release.wait(5)
        finished.set()
        return "answer"

    async def ask() -> str:
        return await within_deadline(
            slow, fallback=lambda: "fallback", late=None, event="test", deadline=0.2
        )

    assert asyncio.run(ask()) == "fallback"
    release.set()
    assert finished.wait(5)


def test_failed_work_gets_the_fallback_and_its_recording_is_spooled() -> None:
    from hotline import bounded

    recorded: list[str] = []
    bounded.SPOOL.clear()

    def broken() -> str:
        raise ConnectionError("database down")

    async def ask() -> str:
        return await within_deadline(
            broken, fallback=lambda: "fallback", late=lambda: recorded.append("x"), event="test"
        )

    assert asyncio.run(ask()) == "fallback"
    bounded.SPOOL.drain()
    assert recorded == ["x"]


def test_a_lane_sheds_work_that_would_wait_past_its_budget() -> None:
    lane = Lane("test", threads=1, backlog=10)
    release = threading.Event()
    assert lane.try_submit(release.wait) is not None
    lane._seconds_each = 1.0  # as if each piece of work had been taking a second
    assert lane.try_submit(lambda: True, budget=0.5) is None  # would wait about 1 s
    assert lane.try_submit(lambda: True, budget=10.0) is not None
    release.set()


def test_a_crisis_record_behind_busy_threads_is_not_waited_for_but_still_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lane = Lane("crisis-test", threads=1, backlog=5)
    monkeypatch.setattr(bounded, "CRISIS", lane)
    release = threading.Event()
    assert lane.try_submit(release.wait) is not None  # the one thread is busy
    recorded: list[str] = []

    def record() -> str:
        recorded.append("case")
        return "<Response/>"

    started = time.monotonic()
    found = asyncio.run(record_within_budget_async(record, event="crisis_record", budget=5.0))
    assert found is None and time.monotonic() - started < 1.0  # the reply from memory, now
    release.set()
    assert lane.wait_idle(5) and recorded == ["case"]  # queued, not dropped


def test_a_crisis_record_on_an_idle_thread_is_waited_for() -> None:
    found = asyncio.run(record_within_budget_async(lambda: "ok", event="crisis_record"))
    assert found == "ok"
