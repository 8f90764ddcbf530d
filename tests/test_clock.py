"""The one clock seam: a shifted run reaches the processes it starts, and RQ gets real times."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from hotline import clock

AT = dt.datetime(2026, 3, 8, 9, 58, tzinfo=dt.UTC)


@pytest.fixture()
def restored() -> Iterator[None]:
    saved_offset, saved_env = clock.offset(), os.environ.get(clock.OFFSET_ENV)
    yield
    clock._offset = saved_offset
    if saved_env is None:
        os.environ.pop(clock.OFFSET_ENV, None)
    else:
        os.environ[clock.OFFSET_ENV] = saved_env


def test_a_shifted_clock_reads_the_chosen_instant_here_and_in_children(restored: None) -> None:
    clock.shift_to(AT)
    assert abs(clock.now() - AT) < dt.timedelta(seconds=5)
    child = subprocess.run(
        [sys.executable, "-c", "from hotline import clock; print(clock.now().isoformat())"],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    assert abs(dt.datetime.fromisoformat(child.stdout.strip()) - AT) < dt.timedelta(seconds=30)


def test_real_undoes_the_shift_for_the_schedulers_that_read_the_machine_clock(
    restored: None,
) -> None:
    offset = clock.shift_to(AT)
    assert offset == dt.timedelta(seconds=round(offset.total_seconds()))  # whole seconds, as RQ
    assert clock.real(AT + dt.timedelta(minutes=3)) == AT + dt.timedelta(minutes=3) - offset
    assert abs(clock.real(clock.now()) - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_a_malformed_offset_is_refused_in_one_line(
    restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(clock.OFFSET_ENV, "tuesday")
    clock._offset = None
    with pytest.raises(ValueError, match="HOTLINE_CLOCK_OFFSET_SECONDS must be a number"):
        clock.now()


def test_a_naive_instant_is_refused(restored: None) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.shift_to(dt.datetime(2026, 3, 8, 10, 0))
