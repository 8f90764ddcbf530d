"""Limits that protect people and money: which texts get an answer, and who may ask for codes.

Pure decisions over facts the runner gathers (the blocklist from the database, counters from
Redis). Crisis texts never reach these rules: the crisis detector runs first and a crisis text
always gets its crisis reply, from a blocked or flooding number too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verdict(enum.StrEnum):
    ANSWER = "answer"
    SLOW_DOWN = "slowed"  # the one "slow down" reply of a quiet period
    THROTTLED = "throttled"  # recorded, silence
    BLOCKED = "blocked"  # recorded, silence


@dataclass(frozen=True)
class InboundRules:
    per_minute: int = 20


@dataclass(frozen=True)
class InboundFacts:
    blocked: bool = False
    # Texts from this number in the current minute, this one included; None when it was not
    # counted (an opt-out keyword) or could not be (Redis is down: limits fail open).
    recent: int | None = None
    # Whether the quiet period's one slow-down reply has already gone out.
    warned: bool = False


def inbound_verdict(facts: InboundFacts, rules: InboundRules) -> Verdict:
    """Answer, slow down once, stay silent, or ignore a blocked number."""
    if facts.blocked:
        return Verdict.BLOCKED
    if facts.recent is None or facts.recent <= rules.per_minute:
        return Verdict.ANSWER
    return Verdict.THROTTLED if facts.warned else Verdict.SLOW_DOWN


@dataclass(frozen=True)
class CallRules:
    per_window: int = 6
    window_minutes: int = 10


def call_verdict(recent: int | None, rules: CallRules) -> Verdict:
    """Answer a new call, or give it the short answer (9 still reaches crisis help).

    `recent`: distinct calls from the number in the window, this one included; None when they
    could not be counted (Redis is down: limits fail open).
    """
    if recent is None or recent <= rules.per_window:
        return Verdict.ANSWER
    return Verdict.THROTTLED


def counts_toward_limit(*, opt_keyword: bool) -> bool:
    """STOP and START are always honoured, however fast a number texts, so they are not counted."""
    return not opt_keyword


class SignIn(enum.StrEnum):
    ALLOW = "allow"
    # Too many requests from one network address: the page says so (it tells nothing about
    # whose number was typed).
    TOO_MANY_HERE = "too_many_here"
    # Too many codes for one number: the page answers as usual and no code is sent, so the
    # answer never tells whether the number is staff's.
    QUIET = "quiet"


@dataclass(frozen=True)
class SignInRules:
    per_address: int = 10
    codes_per_number: int = 3


def code_request_verdict(*, from_address: int, for_number: int, rules: SignInRules) -> SignIn:
    """Decide a code request from the counts (this one included) in the current window."""
    if from_address > rules.per_address:
        return SignIn.TOO_MANY_HERE
    if for_number > rules.codes_per_number:
        return SignIn.QUIET
    return SignIn.ALLOW


def code_try_verdict(*, from_address: int, rules: SignInRules) -> SignIn:
    """Decide a code entry: each address gets a few tries per code it may ask for."""
    tries = rules.per_address * 5
    return SignIn.TOO_MANY_HERE if from_address > tries else SignIn.ALLOW
