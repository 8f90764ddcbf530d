"""The cues' scan of a text is bounded in time: past its budget the verdict is what was found.

``assess`` runs on the web process's event loop, so a text that made a cue backtrack for minutes
(two of session 24's farewell cues did, under Python's ``re``) held every request. The cues now
run on the ``regex`` engine with a timeout; a budget of 0 makes every match time out at once, so
these tests do not depend on how fast the machine is.
"""

from __future__ import annotations

import time

import pytest

from hotline.crisis.detector import detector
from hotline.flows.crisis.detect import UNFINISHED_CUE, Detector, Level

CRISIS = "i am going to kill myself tonight, i have the pills ready"


def test_a_scan_that_runs_out_of_time_says_so_and_keeps_what_it_found() -> None:
    whole = detector()
    assert whole.assess(CRISIS).level is Level.IMMINENT
    assert UNFINISHED_CUE not in whole.assess(CRISIS).matched
    cues_only = Detector(whole.cues, None, whole.words, scan_seconds=0.0)
    verdict = cues_only.assess(CRISIS)
    assert verdict.matched == (UNFINISHED_CUE,)
    assert verdict.level is Level.NONE


def test_the_model_still_reads_a_text_whose_cues_ran_out_of_time() -> None:
    whole = detector()
    bounded = Detector(whole.cues, whole.model, scan_seconds=0.0)
    verdict = bounded.assess(CRISIS)
    assert verdict.crisis
    assert UNFINISHED_CUE in verdict.matched
    assert "model" in verdict.matched
    assert not bounded.assess("thanks, see you at the meeting on tuesday").crisis


def test_the_budget_is_kept_by_the_cues_without_a_model_too() -> None:
    whole = detector()
    assert whole.without_model().scan_seconds == whole.scan_seconds
    bounded = Detector(whole.cues, whole.model, scan_seconds=0.0)
    assert bounded.without_model().assess(CRISIS).matched == (UNFINISHED_CUE,)


def test_the_budget_counts_the_threads_cpu_time_not_the_wall_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Waiting for the GIL or the CPU is not reading: the budget is kept on ``time.thread_time``.
    # A fake CPU clock that leaps past the budget after the scan starts stops it there, whatever
    # the wall clock says.
    readings = iter([0.0, 0.0])
    monkeypatch.setattr(time, "thread_time", lambda: next(readings, 10.0))
    verdict = Detector(detector().cues, None).assess(CRISIS)
    assert UNFINISHED_CUE in verdict.matched
