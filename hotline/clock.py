"""The line's one clock: every "now" in Hotline comes from here, so a test can set it.

`now()` is `datetime.now` shifted by `HOTLINE_CLOCK_OFFSET_SECONDS`, so a test run can move
the whole line, the workers and CLI processes it starts included, to a chosen hour of a
chosen day (see tests/clock.py). Deadlines measured with `time.monotonic()` keep the real clock;
absolute times handed to RQ or Redis, which read the real clock, go through `real()` first.
"""

from __future__ import annotations

import datetime as dt
import os

OFFSET_ENV = "HOTLINE_CLOCK_OFFSET_SECONDS"

_offset: dt.timedelta | None = None


def now() -> dt.datetime:
    """Return the line's current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC) + offset()


def offset() -> dt.timedelta:
    """Return how far this process's clock is shifted from the real one."""
    global _offset
    if _offset is None:
        raw = os.environ.get(OFFSET_ENV, "").strip() or "0"
        try:
            _offset = dt.timedelta(seconds=float(raw))
        except ValueError:
            raise ValueError(f"{OFFSET_ENV} must be a number of seconds, not {raw!r}") from None
    return _offset


def real(at: dt.datetime) -> dt.datetime:
    """Translate a line time into the machine's real clock, for RQ's and Redis's schedulers."""
    return at - offset()


def shift_to(at: dt.datetime) -> dt.timedelta:
    """Shift this process's clock, and its future children's, so that now() reads `at`."""
    global _offset
    if at.tzinfo is None:
        raise ValueError("shift_to needs a timezone-aware time")
    # Whole seconds, as RQ's scheduler keeps its times.
    _offset = dt.timedelta(seconds=round((at - dt.datetime.now(dt.UTC)).total_seconds()))
    os.environ[OFFSET_ENV] = repr(_offset.total_seconds())
    return _offset
