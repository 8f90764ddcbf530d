"""Drill: the database locked, then unreachable, under a burst of webhooks.

(Redis killed and hung: test_redis_down.py.)

Every text and call must be answered within the deadline (crisis texts with the crisis line,
ordinary ones with the short "slow right now" reply naming 988, calls with a menu where 9
dials the crisis line), and once the part is back, every text, call and crisis case must be
in the database: recorded late, never lost.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from hotline import bounded, db
from hotline.db import session_scope
from hotline.models import Call, InboundMessage, SupportCase
from hotline.settings import Settings
from tests.drills.line import Answer, Line, Post, texts

MARGIN_SECONDS = 2.0  # scheduling slack on a loaded 2-core machine; still far under Twilio's 15 s
CRISIS_BODIES = ["i want to kill myself", "I am going to end my life tonight"]
ORDINARY_BODIES = ["HELP", "FIND 94110", "INFO 4821", "MENU", "REMIND 4821", "STOP"]


def _burst(line: Line) -> list[Post]:
    posts = [line.sms(f"+1415555{n:04d}", ORDINARY_BODIES[n % 6]) for n in range(30)]
    posts += [line.sms(f"+1415666{n:04d}", CRISIS_BODIES[n % 2]) for n in range(5)]
    posts += [line.call(f"+1415777{n:04d}") for n in range(3)]
    step = "/twilio/voice/step?m=main&a=0&l=en"
    posts += [line.call(f"+1415888{n:04d}", step, Digits="9") for n in range(3)]
    return posts


def _assert_answered_in_time(
    answers: list[Answer], settings: Settings, deadline: float, *, busy: bool = True
) -> None:
    """Each answer came in time and is the right kind; `busy`: the database was out of reach."""
    for answer in answers:
        assert answer.status == 200, (answer.post.path, answer.status, answer.text)
        assert answer.seconds <= deadline + MARGIN_SECONDS, (answer.post.path, answer.seconds)
        assert "Traceback" not in answer.text
        fields, root = answer.post.fields, answer.root()
        if answer.post.path == "/twilio/sms":
            (reply,) = texts(answer)
            if fields["Body"] in CRISIS_BODIES:
                assert "741741" in reply, reply  # the crisis reply itself, not the busy one
            elif busy:
                assert "slow right now" in reply and "988" in reply, reply
        elif fields.get("Digits") == "9":
            assert (root.findtext("Dial") or "").strip() == settings.crisis_number
        else:  # a new call: a menu where 9 still reaches the crisis line
            gather = root.find("Gather")
            assert gather is not None, answer.text
            assert "/twilio/voice/step" in gather.get("action", "")
            said = "".join(gather.itertext())
            assert not busy or ("trouble" in said and "press 9" in said and "oprima 9" in said)


def _assert_nothing_lost(posts: list[Post], timeout: float = 30) -> None:
    """Once the part is back, every text, call and crisis case is recorded (retried if need be)."""
    message_sids = {p.fields["MessageSid"] for p in posts if "MessageSid" in p.fields}
    call_sids = {p.fields["CallSid"] for p in posts if "CallSid" in p.fields}
    crises = sum(1 for p in posts if p.fields.get("Body") in CRISIS_BODIES)
    crises += sum(1 for p in posts if p.fields.get("Digits") == "9")
    stop = time.monotonic() + timeout
    while True:
        bounded.SPOOL.drain()
        with session_scope() as session:
            recorded = set(session.scalars(select(InboundMessage.message_sid)))
            calls = set(session.scalars(select(Call.call_sid)))
            cases = len(session.scalars(select(SupportCase.id)).all())
        if message_sids <= recorded and call_sids <= calls and cases >= crises:
            break
        assert time.monotonic() < stop, (
            f"{len(message_sids - recorded)} texts, {len(call_sids - calls)} calls and "
            f"{crises - cases} crisis cases still missing"
        )
        time.sleep(0.5)
    assert cases == crises
    assert bounded.SPOOL.lost == 0


@contextlib.contextmanager
def _write_locked(engine: Engine) -> Iterator[None]:
    """Hold the database's write lock (SQLite) or lock the webhook tables (PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        assert path is not None
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with engine.connect() as conn:
        conn.execute(text("LOCK TABLE contacts, inbound_messages, calls IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()


def _unreachable_engine(engine: Engine, tmp_path: Path) -> Engine:
    if engine.dialect.name == "sqlite":
        return db.make_engine(f"sqlite:///{tmp_path}/no-such-dir/hotline.db")
    return db.make_engine("postgresql+psycopg://postgres@127.0.0.1:9/unreachable")


def _run_drill(
    line: Line, trouble: Callable[[], contextlib.AbstractContextManager[object]], *, busy: bool
) -> None:
    posts = _burst(line)
    with trouble():
        answers = line.post_all(posts)
    deadline = bounded.WEBHOOK_DEADLINE_SECONDS
    _assert_answered_in_time(answers, line.settings, deadline, busy=busy)
    _assert_nothing_lost(posts)


@pytest.mark.usefixtures("quick_deadline")
def test_database_locked(line: Line, database: Engine) -> None:
    _run_drill(line, lambda: _write_locked(database), busy=True)


@pytest.mark.usefixtures("quick_deadline")
def test_database_unreachable(
    line: Line, database: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    @contextlib.contextmanager
    def unreachable() -> Iterator[None]:
        with monkeypatch.context() as patch:
            patch.setattr(db, "get_engine", lambda: _unreachable_engine(database, tmp_path))
            yield

    _run_drill(line, unreachable, busy=True)


@pytest.mark.usefixtures("quick_deadline")
def test_a_lock_held_past_the_deadline_still_answers_crisis_texts_first(
    line: Line, database: Engine
) -> None:
    """The issue's numbers: 45 ordinary texts holding threads, then 5 crisis texts."""
    ordinary = [line.sms(f"+1415555{n:04d}", "FIND 94110") for n in range(45)]
    crisis = [line.sms(f"+1415666{n:04d}", CRISIS_BODIES[0]) for n in range(5)]
    results: list[Answer] = []
    with _write_locked(database):
        first = threading.Thread(target=lambda: results.extend(line.post_all(ordinary)))
        first.start()
        time.sleep(0.3)  # the ordinary texts are in; now the crisis texts arrive behind them
        crisis_answers = line.post_all(crisis)
        first.join()
    for answer in crisis_answers:
        assert "741741" in texts(answer)[0]
        # Not held behind the ordinary texts: the crisis lane answers within its budget.
        assert answer.seconds <= bounded.CRISIS_RECORD_BUDGET_SECONDS + MARGIN_SECONDS
    _assert_answered_in_time(results, line.settings, bounded.WEBHOOK_DEADLINE_SECONDS)
    _assert_nothing_lost(ordinary + crisis)
