"""PostgreSQL's connection settings: the lanes' statement timeout, set once per connection,
and the ping only for a connection that sat idle in the pool (hotline/db.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from hotline import bounded, db
from tests.conftest import BASE_DATABASE_URL

pytestmark = pytest.mark.skipif(
    not BASE_DATABASE_URL.startswith("postgresql"), reason="PostgreSQL only"
)


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = db.make_engine(BASE_DATABASE_URL)
    yield engine
    engine.dispose()


def _timeout(engine: Engine) -> str:
    with db.read_scope(engine) as session:
        return str(session.execute(text("SHOW statement_timeout")).scalar_one())


def test_a_lane_sets_the_statement_timeout_once_and_other_work_gets_the_default_back(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = _timeout(engine)
    monkeypatch.setattr(bounded._local, "in_lane", True, raising=False)
    assert _timeout(engine) == f"{int(bounded.LANE_DB_TIMEOUT_SECONDS)}s"
    sets: list[str] = []
    real = db._postgres_statement_timeout

    def counted(dbapi_conn: Any, record: Any) -> None:
        before = record.info.get("statement_timeout")
        real(dbapi_conn, record)
        if record.info.get("statement_timeout") != before:
            sets.append(record.info["statement_timeout"])

    monkeypatch.setattr(db, "_postgres_statement_timeout", counted)
    for _ in range(3):  # set at a checkout, outside the transaction: a rollback keeps it
        with pytest.raises(RuntimeError), db.session_scope(engine) as session:
            session.execute(text("SELECT 1"))
            raise RuntimeError("roll back")
        assert _timeout(engine) == f"{int(bounded.LANE_DB_TIMEOUT_SECONDS)}s"
    assert sets == []  # the connection kept it: no round trip to set it again
    monkeypatch.setattr(bounded._local, "in_lane", False)
    assert _timeout(engine) == default
    assert sets == ["DEFAULT"]


def test_only_a_connection_idle_in_the_pool_is_pinged(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[object] = []
    real = engine.dialect.do_ping

    def ping(conn: Any) -> bool:
        pings.append(conn)
        return real(conn)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    _timeout(engine)
    _timeout(engine)
    assert pings == []  # new, then used a moment ago: no ping
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    _timeout(engine)
    assert len(pings) == 1


def test_a_dead_idle_connection_is_replaced_before_use(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _timeout(engine)
    with engine.connect() as conn:  # the server ends the pooled connection's backend
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with db.make_engine(BASE_DATABASE_URL).connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _timeout(engine)  # pinged, found dead, swapped for a new connection
