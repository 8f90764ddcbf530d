"""Drill: Redis killed, then hung, under a burst of texts, calls and 9s at a menu.

The database is up, so every webhook gets its real answer (limits fail open, the MORE cursor
starts over); what Redis would have added must not cost the caller time. Every Redis call on a
webhook path fails fast (hotline/queues.py: short timeouts, one retry, and a few seconds of
"Redis is down" after a failure, so later requests do not wait again). Every text, call and
crisis case is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.drills.line import Answer, Line
from tests.drills.own_redis import OwnRedis, own_redis
from tests.drills.test_database_trouble import (
    _assert_answered_in_time,
    _assert_nothing_lost,
    _burst,
)

# Far under the 8 s deadline: a webhook with Redis gone pays at most one short timeout.
FAST_SECONDS = 1.0


def _drill(
    line: Line, monkeypatch: pytest.MonkeyPatch, trouble: Callable[[OwnRedis], None]
) -> list[Answer]:
    with own_redis(monkeypatch) as server:
        warm = line.post_all(_burst(line)[:2])  # connections in the pool, as in a running line
        assert all(answer.status == 200 for answer in warm)
        trouble(server)
        posts = _burst(line)
        started = time.monotonic()
        answers = line.post_all(posts)
        elapsed = time.monotonic() - started
        slowest = max(answer.seconds for answer in answers)
        print(f"\n{len(answers)} webhooks in {elapsed:.2f} s, slowest {slowest:.3f} s")
        # Production's 8 s deadline is in force: the point is that nothing comes near it.
        _assert_answered_in_time(answers, line.settings, FAST_SECONDS, busy=False)
        # Real answers, not the deadline's fallbacks: the database was up all along.
        for answer in answers:
            assert "slow right now" not in answer.text and "trouble" not in answer.text
        _assert_nothing_lost(posts)
    return answers


@pytest.mark.usefixtures("database")
def test_redis_killed(line: Line, monkeypatch: pytest.MonkeyPatch) -> None:
    _drill(line, monkeypatch, OwnRedis.stop)


@pytest.mark.usefixtures("database")
def test_redis_hung(line: Line, monkeypatch: pytest.MonkeyPatch) -> None:
    _drill(line, monkeypatch, OwnRedis.freeze)
