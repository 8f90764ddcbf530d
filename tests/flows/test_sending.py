"""The sender's decisions as a flow table: facts about a claimed row in, one decision out."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hotline.flows import sending as flow
from hotline.flows.sending import Defer, Failure, Finish, Row, Rules, SendNow, Sent

RULES = Rules(
    quiet_hours=("21:00", "08:00"),
    max_attempts=3,
    backoff_base_seconds=2.0,
    backoff_cap_seconds=30.0,
)
NOON = dt.datetime(2026, 6, 16, 16, 0, tzinfo=dt.UTC)  # 12:00 in New York
NIGHT = dt.datetime(2026, 6, 16, 3, 0, tzinfo=dt.UTC)  # 23:00 in New York
MORNING = dt.datetime(2026, 6, 16, 12, 0, tzinfo=dt.UTC)  # 08:00 in New York
TEXT = Row(kind="sms", has_body=True, attempts=1, ignore_quiet_hours=False, zone="America/New_York")


def row(**change: object) -> Row:
    return dataclasses.replace(TEXT, **change)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "now", "decision"),
    [
        (TEXT, NOON, SendNow()),
        (row(opted_out=True), NOON, Finish("skipped", "opted_out")),
        (row(invalid=True), NOON, Finish("skipped", "invalid_number")),
        (row(opted_out=True, has_body=False), NIGHT, Finish("skipped", "opted_out")),
        (row(has_body=False), NOON, Finish("failed", "body_missing")),
        (row(kind="call", has_body=False), NOON, SendNow()),
        (TEXT, NIGHT, Defer(MORNING, "quiet_hours")),
        (row(zone="America/Los_Angeles"), NIGHT, SendNow()),  # 20:00 there
        (row(ignore_quiet_hours=True), NIGHT, SendNow()),
        # A reminder whose meeting starts before quiet hours end is not sent late.
        (row(announces=MORNING), NIGHT, Finish("skipped", "quiet_hours_until_meeting")),
        (row(announces=MORNING + dt.timedelta(hours=1)), NIGHT, Defer(MORNING, "quiet_hours")),
    ],
)
def test_before_send(facts: Row, now: dt.datetime, decision: flow.Decision) -> None:
    assert flow.before_send(facts, now, RULES) == decision


LATER = NOON + dt.timedelta(seconds=1)  # attempt 1, jitter 0: half of the 2 s base


@pytest.mark.parametrize(
    ("facts", "outcome", "decision"),
    [
        (TEXT, "SM1", Sent("SM1")),
        (TEXT, Failure(flow.RETRYABLE, "timeout"), Defer(LATER, "timeout")),
        (TEXT, Failure(flow.RETRYABLE, "rate limited", "20429", True), Defer(LATER, "20429")),
        (
            row(attempts=3),
            Failure(flow.RETRYABLE, "timeout"),
            Finish("abandoned", "gave up after 3: timeout"),
        ),
        (
            row(announces=LATER),
            Failure(flow.RETRYABLE, "x"),
            Finish("skipped", "quiet_hours_until_meeting"),
        ),
        (
            TEXT,
            Failure(flow.OPTED_OUT, "blocked", "21610"),
            Finish("failed", "opted_out", "21610", "opted_out"),
        ),
        (
            TEXT,
            Failure(flow.INVALID_NUMBER, "bad", "21211"),
            Finish("failed", "invalid_number", "21211", "invalid_number"),
        ),
        (
            TEXT,
            Failure(flow.REFUSED, "unverified", "21608"),
            Finish("failed", "unverified", "21608"),
        ),
        (TEXT, Failure(flow.UNDECRYPTABLE), Finish("failed", "phone_undecryptable")),
    ],
)
def test_after_send(facts: Row, outcome: str | Failure, decision: flow.Decision) -> None:
    assert flow.after_send(facts, outcome, NOON, RULES, jitter=0.0) == decision


def test_only_a_retryable_failure_is_trouble() -> None:
    assert flow.troubled(Failure(flow.RETRYABLE))
    assert not flow.troubled("SM1")
    assert not any(flow.troubled(Failure(kind)) for kind in flow.FAILURES)


@pytest.mark.parametrize(
    ("attempts", "low", "high"), [(1, 1.0, 2.0), (3, 4.0, 8.0), (10, 15.0, 30.0)]
)
def test_backoff_grows_with_jitter_over_its_upper_half_and_is_capped(
    attempts: int, low: float, high: float
) -> None:
    assert flow.backoff_seconds(attempts, RULES, 0.0) == low
    assert flow.backoff_seconds(attempts, RULES, 1.0) == high
    assert low < flow.backoff_seconds(attempts, RULES, 0.5) < high


def test_a_hold_waits_one_backoff_unless_the_meeting_starts_first() -> None:
    assert flow.hold(None, NOON, RULES, 1.0) == Defer(NOON + dt.timedelta(seconds=2))
    assert flow.hold(NOON, NOON, RULES, 1.0) == Finish("skipped", "quiet_hours_until_meeting")


def test_an_old_rows_key_is_read_back() -> None:
    at = dt.datetime(2026, 6, 16, 23, 30, tzinfo=dt.UTC)
    assert flow.old_reminder_key("reminder:42:20260616T2330Z:60") == (42, at)
    assert flow.old_reminder_key("broadcast:1:2") is None
    assert flow.old_reminder_key(None) is None


def test_a_batch_has_time_for_its_rows_at_the_bulk_pace() -> None:
    assert flow.batch_timeout(200, 1.0, 0.2) == 120 + 750
    assert flow.batch_timeout(200, 100.0, 0.2) == 127
