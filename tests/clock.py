"""Setting the line's clock in tests, through its one seam (hotline/clock.py).

A run can be moved to any hour with `HOTLINE_TEST_CLOCK` (an ISO time, e.g.
`2026-03-08T10:00:00Z`): conftest shifts the clock of this process and of every worker or CLI
process it starts. `travel` freezes or moves the clock inside one test, whatever the run's
shift, so a test that names an instant sees exactly that instant.
"""

from __future__ import annotations

import datetime as dt
import os

import time_machine

from hotline import clock

RUN_CLOCK_ENV = "HOTLINE_TEST_CLOCK"


def run_clock() -> dt.datetime | None:
    """Return the instant this test run was asked to start at, if any."""
    raw = os.environ.get(RUN_CLOCK_ENV, "").strip()
    if not raw:
        return None
    at = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError(f"{RUN_CLOCK_ENV} needs a time zone, e.g. {raw}Z")
    return at


def travel(destination: dt.datetime, *, tick: bool = True) -> time_machine.travel:
    """Move the clock so `clock.now()` reads `destination`, net of the run's shift."""
    return time_machine.travel(destination - clock.offset(), tick=tick)


def daytime_zone() -> str:
    """A fixed-offset zone where it is now early afternoon, so quiet hours never interfere."""
    hours = (13 - clock.now().hour + 12) % 24 - 12
    # Etc/GMT signs are inverted: Etc/GMT-5 is UTC+5.
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
