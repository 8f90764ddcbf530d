"""Work that must not hold up a crisis answer: run it in a thread, wait a bounded time."""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from typing import TypeVar

from hotline.logs import log

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Twilio waits 15 s for a webhook; the crisis answer must leave well before that.
CRISIS_RECORD_BUDGET_SECONDS = 6.0
_RECORDER = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="crisis-record")


def record_within_budget(
    record: Callable[[], T], *, event: str, budget: float | None = None, **ids: object
) -> T | None:
    """Return record()'s result, or None when it failed or is still running after the budget.

    A dead database fails fast; a slow one (locked, overloaded) keeps going in the background
    after we have answered, so the case is still opened and paged, only later.
    """
    future = _RECORDER.submit(record)
    try:
        return future.result(timeout=CRISIS_RECORD_BUDGET_SECONDS if budget is None else budget)
    except concurrent.futures.TimeoutError:
        log(logger, f"{event}_slow", logging.ERROR, **ids)
    except Exception as exc:  # the person must get the crisis answer whatever broke
        log(logger, f"{event}_failed", logging.ERROR, error=type(exc).__name__, **ids)
    return None
