"""The sender's decisions, pure: send a claimed row now, defer it until T, or finish it.

`jobs/sender.py` claims rows, reads the facts below, paces, calls Twilio and writes what this
module decides. Before a send: a row to a number that opted out or is known invalid is
skipped, a text without a body fails, quiet hours in the recipient's zone defer it. After a
try: a SID is sent; a retryable error waits a capped, jittered backoff (abandoned after the
last attempt); any other error fails the row, and marks the contact when Twilio says the
number opted out or is invalid. A wait that would end after the meeting a reminder announces
skips the reminder instead. Every rule is a row of a table here, and the flow table test in
tests/flows/test_sending.py walks them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Final statuses (the outbox's OutboxStatus values).
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
ABANDONED = "abandoned"
# error_reason of a row that waits for quiet hours to end (cleared when it is sent).
QUIET_HOURS = "quiet_hours"
UNTIL_MEETING = "quiet_hours_until_meeting"

# What a failed try was, as the transport boundary reports it.
RETRYABLE = "retryable"  # 429, 5xx, a timeout: try again later
OPTED_OUT = "opted_out"  # 21610: the number replied STOP
INVALID_NUMBER = "invalid_number"  # not a number that can get texts or calls
REFUSED = "refused"  # any other error Twilio gave: not worth repeating
UNDECRYPTABLE = "phone_undecryptable"  # the stored number cannot be read back


@dataclass(frozen=True)
class Rules:
    """The settings the decisions use ([reminders] quiet hours, [sender] attempts, backoff)."""

    quiet_hours: tuple[str, str]
    max_attempts: int
    backoff_base_seconds: float
    backoff_cap_seconds: float


@dataclass(frozen=True)
class Row:
    """What the sender knows about one claimed row and its recipient."""

    kind: str  # "sms" or "call"
    has_body: bool
    attempts: int  # tries so far, the one just made included
    ignore_quiet_hours: bool
    zone: str  # the recipient's zone (theirs, else the meeting's, else the line's)
    # The occurrence a reminder announces: waiting past it makes the reminder pointless.
    announces: dt.datetime | None = None
    opted_out: bool = False
    invalid: bool = False


@dataclass(frozen=True)
class Failure:
    """A try that did not return a SID."""

    kind: str  # RETRYABLE, OPTED_OUT, INVALID_NUMBER, REFUSED or UNDECRYPTABLE
    reason: str = ""
    code: str | None = None
    throttled: bool = False  # a 429: the pace slows down


@dataclass(frozen=True)
class SendNow:
    """Pace and send the row now."""


@dataclass(frozen=True)
class Sent:
    """Twilio took it: record the SID, clear the error."""

    sid: str


@dataclass(frozen=True)
class Defer:
    """Put the row back in the queue until `until`; `reason` becomes its error_reason."""

    until: dt.datetime
    reason: str | None = None


@dataclass(frozen=True)
class Finish:
    """The row is done without a send; `mark` is what the contact becomes (opted out, invalid)."""

    status: str
    reason: str
    code: str | None = None
    mark: str | None = None


Decision = SendNow | Sent | Defer | Finish

# Before a send, in order: the first rule that holds finishes the row.
REFUSALS: tuple[tuple[Callable[[Row], bool], str, str], ...] = (
    (lambda row: row.opted_out, SKIPPED, "opted_out"),
    (lambda row: row.invalid, SKIPPED, "invalid_number"),
    (lambda row: row.kind == "sms" and not row.has_body, FAILED, "body_missing"),
)
# After a failed try that is not retried: status, the reason (None: the error's own) and the
# contact's new mark.
FAILURES: dict[str, tuple[str, str | None, str | None]] = {
    OPTED_OUT: (FAILED, "opted_out", OPTED_OUT),
    INVALID_NUMBER: (FAILED, "invalid_number", INVALID_NUMBER),
    REFUSED: (FAILED, None, None),
    UNDECRYPTABLE: (FAILED, UNDECRYPTABLE, None),
}


def before_send(row: Row, now: dt.datetime, rules: Rules) -> SendNow | Defer | Finish:
    """Just before sending: refuse, wait for quiet hours to end, or send now."""
    for holds, status, reason in REFUSALS:
        if holds(row):
            return Finish(status, reason)
    if not row.ignore_quiet_hours:
        resume = quiet_until(now, row.zone, rules.quiet_hours)
        if resume is not None:
            return defer(row.announces, resume, QUIET_HOURS)
    return SendNow()


def after_send(
    row: Row, outcome: str | Failure, now: dt.datetime, rules: Rules, jitter: float
) -> Sent | Defer | Finish:
    """Record a try: a SID is sent, a retryable error waits a backoff, any other fails."""
    if isinstance(outcome, str):
        return Sent(outcome)
    if outcome.kind == RETRYABLE:
        reason = outcome.code or outcome.reason
        if row.attempts >= rules.max_attempts:
            return Finish(ABANDONED, f"gave up after {row.attempts}: {reason}")
        wait = backoff_seconds(row.attempts, rules, jitter)
        return defer(row.announces, now + dt.timedelta(seconds=wait), reason[:200])
    status, named, mark = FAILURES[outcome.kind]
    return Finish(status, named or outcome.reason, outcome.code, mark)


def hold(
    announces: dt.datetime | None, now: dt.datetime, rules: Rules, jitter: float
) -> Defer | Finish:
    """Twilio is failing or slow: wait one backoff instead of hitting it again now."""
    return defer(announces, now + dt.timedelta(seconds=backoff_seconds(1, rules, jitter)))


def defer(
    announces: dt.datetime | None, until: dt.datetime, reason: str | None = None
) -> Defer | Finish:
    """Wait until `until`, unless that is after the meeting a reminder announces."""
    if announces is not None and until >= announces:
        return Finish(SKIPPED, UNTIL_MEETING)
    return Defer(until, reason)


def troubled(outcome: str | Failure) -> bool:
    """True when a try says Twilio is in trouble: the rest of the chunk is held."""
    return isinstance(outcome, Failure) and outcome.kind == RETRYABLE


def backoff_seconds(attempts: int, rules: Rules, jitter: float) -> float:
    """An exponential delay, capped: ~base, 2·base, 4·base … per attempt; jitter in [0, 1]
    spreads it over the upper half, so retries of one outage do not arrive together."""
    ceiling = min(rules.backoff_cap_seconds, rules.backoff_base_seconds * 2.0 ** (attempts - 1))
    return ceiling / 2 + ceiling / 2 * jitter


def quiet_until(now: dt.datetime, time_zone: str, window: tuple[str, str]) -> dt.datetime | None:
    """Return when quiet hours end (UTC) if `now` falls inside them in the zone, else None."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    start, end = (dt.time.fromisoformat(value) for value in window)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock or clock < end if start > end else start <= clock < end
    if not inside:
        return None
    end_date = local.date() if clock < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(end_date, end).replace(tzinfo=zone).astimezone(dt.UTC)


def held_by_quiet_hours(
    now: dt.datetime, zones: Iterable[str], window: tuple[str, str]
) -> tuple[int, dt.datetime | None]:
    """Count the recipients (by zone) quiet hours hold now, and when the last is released."""
    ends = [end for end in (quiet_until(now, zone, window) for zone in zones) if end is not None]
    return len(ends), max(ends, default=None)


def resume_label(window: tuple[str, str], language: str) -> str:
    """Say when quiet hours end, in the reader's way: "8:00am", "8:00"."""
    end = dt.time.fromisoformat(window[1])
    if language == "es":
        return f"{end.hour}:{end.minute:02d}"
    return f"{end.hour % 12 or 12}:{end.minute:02d}{'am' if end.hour < 12 else 'pm'}"


def batch_timeout(rows: int, segments_per_second: float, urgent_headroom: float) -> int:
    """Give a batch job time for its rows at the bulk pace, and some slack."""
    return int(120 + 3 * rows / (segments_per_second * (1 - urgent_headroom)))


def old_reminder_key(dedupe_key: str | None) -> tuple[int, dt.datetime] | None:
    """A row queued before outbox rows carried their subscription: read its key
    "reminder:<subscription>:<occurrence>:<lead>" back, once, for the subscription and time."""
    if not dedupe_key or not dedupe_key.startswith("reminder:"):
        return None
    _, subscription, stamp, *_ = dedupe_key.split(":")
    return int(subscription), dt.datetime.strptime(stamp, "%Y%m%dT%H%MZ").replace(tzinfo=dt.UTC)
