"""The limit rules, as tables."""

from __future__ import annotations

import pytest

from hotline.flows.limits import (
    InboundFacts,
    InboundRules,
    SignIn,
    SignInRules,
    Verdict,
    code_request_verdict,
    code_try_verdict,
    counts_toward_limit,
    inbound_verdict,
)

RULES = InboundRules(per_minute=20)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (InboundFacts(recent=1), Verdict.ANSWER),
        (InboundFacts(recent=20), Verdict.ANSWER),
        (InboundFacts(recent=21), Verdict.SLOW_DOWN),
        (InboundFacts(recent=21, warned=True), Verdict.THROTTLED),
        (InboundFacts(recent=300, warned=True), Verdict.THROTTLED),
        # Redis down (or STOP/START, not counted): never silence a person.
        (InboundFacts(recent=None), Verdict.ANSWER),
        (InboundFacts(recent=None, warned=True), Verdict.ANSWER),
        (InboundFacts(blocked=True, recent=1), Verdict.BLOCKED),
        (InboundFacts(blocked=True, recent=None), Verdict.BLOCKED),
        (InboundFacts(blocked=True, recent=50, warned=True), Verdict.BLOCKED),
    ],
)
def test_inbound_verdict(facts: InboundFacts, expected: Verdict) -> None:
    assert inbound_verdict(facts, RULES) is expected


def test_opt_out_keywords_are_not_counted() -> None:
    assert counts_toward_limit(opt_keyword=True) is False
    assert counts_toward_limit(opt_keyword=False) is True


SIGN_IN = SignInRules(per_address=10, codes_per_number=3)


@pytest.mark.parametrize(
    ("address", "number", "expected"),
    [
        (1, 1, SignIn.ALLOW),
        (10, 3, SignIn.ALLOW),
        (10, 4, SignIn.QUIET),
        (11, 1, SignIn.TOO_MANY_HERE),
        (11, 4, SignIn.TOO_MANY_HERE),
    ],
)
def test_code_request_verdict(address: int, number: int, expected: SignIn) -> None:
    assert code_request_verdict(from_address=address, for_number=number, rules=SIGN_IN) is expected


@pytest.mark.parametrize(
    ("tries", "expected"), [(1, SignIn.ALLOW), (50, SignIn.ALLOW), (51, SignIn.TOO_MANY_HERE)]
)
def test_code_try_verdict(tries: int, expected: SignIn) -> None:
    assert code_try_verdict(from_address=tries, rules=SIGN_IN) is expected
