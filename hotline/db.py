"""Engine, sessions and migrations."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from hotline.bounded import LANE_DB_TIMEOUT_SECONDS, db_timeout
from hotline.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_READ_ONLY = "hotline_read_only"
_WRITE_LATE = "hotline_write_late"
# Workers and the scheduler may wait this long for SQLite's write lock; webhooks much less.
BUSY_TIMEOUT_SECONDS = 30.0


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout so workers and web can share it."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            # Enough for both webhook lanes and the spool (hotline/bounded.py), with room over.
            pool_size=24,
            max_overflow=8,
            pool_timeout=LANE_DB_TIMEOUT_SECONDS,
        )
        turn = _turn_for(engine.url.database or ":memory:")
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", functools.partial(_sqlite_begin_immediate, turn))
        event.listen(engine, "before_cursor_execute", functools.partial(_sqlite_write_turn, turn))
        for end in ("commit", "rollback"):
            event.listen(engine, end, functools.partial(_end_turn, turn))
        return engine
    # A bounded connect: an unreachable server must fail fast, not hold a webhook for minutes.
    # The webhook lanes and the spool (hotline/bounded.py) hold at most 11 of these 30.
    engine = create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_timeout=LANE_DB_TIMEOUT_SECONDS,
        connect_args={"connect_timeout": 5},
    )
    event.listen(engine, "connect", _note_checkin)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", functools.partial(_checkout, engine))
    return engine


# A pooled connection idle this long is pinged before it is used (a restarted server leaves
# the pool's connections dead, and the ping swaps a dead one for a new one); one used more
# recently is not: a ping is a round trip, and pinging at every checkout (pool_pre_ping) cost
# a text two of its fourteen. A connection that died unseen fails its statement, and the
# engine then discards every connection of the pool at once.
PING_AFTER_IDLE_SECONDS = 10.0


def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info["used"] = time.monotonic()


def _checkout(engine: Engine, dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    used = record.info.get("used")
    try:
        idle = used is None or time.monotonic() - used >= PING_AFTER_IDLE_SECONDS
        if idle and not engine.dialect.do_ping(dbapi_conn):
            raise DisconnectionError("the pooled connection is dead")
        _postgres_statement_timeout(dbapi_conn, record)
    except DisconnectionError:
        raise
    except Exception as exc:  # the server went away while it sat in the pool
        raise DisconnectionError("the pooled connection is dead") from exc


def _postgres_statement_timeout(dbapi_conn: Any, record: Any) -> None:
    # As SQLite's busy timeout: a lane's statement (or lock wait) ends inside the deadline.
    # Set for the session outside any transaction (so no rollback undoes it) and remembered,
    # so a checkout pays the round trip only when the connection moves between a lane and
    # other work (it was a SET LOCAL, one round trip each transaction).
    limit = db_timeout()
    wanted = "DEFAULT" if limit is None else str(int(limit * 1000))
    if record.info.get("statement_timeout", "DEFAULT") == wanted:
        return
    autocommit = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    try:
        with dbapi_conn.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {wanted}")
    finally:
        dbapi_conn.autocommit = autocommit
    record.info["statement_timeout"] = wanted


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still survives any crash of the process; only a power cut or an OS
    # crash can lose the last commits. FULL's fsync on every commit capped webhooks at the
    # disk's flush rate (tens a second on a busy shared disk). PostgreSQL is the production store.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.close()
    # Let SQLAlchemy, not the driver, issue BEGIN (see _sqlite_begin_immediate).
    dbapi_conn.isolation_level = None  # type: ignore[attr-defined]


def _sqlite_begin_immediate(turn: threading.Lock, conn: Connection) -> None:
    # Web, worker and scheduler processes share one SQLite file. A deferred transaction that
    # reads and then writes fails with "database is locked" when another process wrote in
    # between; taking the write lock at BEGIN makes writers queue behind busy_timeout instead.
    # A read-only session (read_scope) never writes: it takes neither a turn nor the write lock,
    # and in WAL mode reads a snapshot while others write (a webhook holding its turn included).
    options = conn.get_execution_options()
    if options.get(_READ_ONLY) or options.get(_WRITE_LATE):
        conn.exec_driver_sql("BEGIN")
        conn.info["write_late"] = bool(options.get(_WRITE_LATE))
        return
    # Within a process, threads take turns on a Python lock first: SQLite's own busy handler
    # polls with sleeps of up to 100 ms, which left the lock idle while 16 threads slept.
    limit = db_timeout() or BUSY_TIMEOUT_SECONDS
    if not turn.acquire(timeout=limit):
        raise DatabaseBusy(f"no turn on the database within {limit:g} s")
    conn.info["turn"] = True
    try:
        _sqlite_busy_timeout(conn)
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _end_turn(turn, conn)
        raise


def _sqlite_write_turn(
    turn: threading.Lock, conn: Connection, cursor: Any, statement: str, *_: Any
) -> None:
    # A write_late_scope reads from a snapshot with no turn; its first write (or savepoint)
    # ends that snapshot and takes the turn and the write lock, as session_scope does at BEGIN,
    # so the turn is held for the writes alone, not for the reads and Redis before them. Like
    # PostgreSQL's READ COMMITTED, the writes may follow reads that another writer has since
    # changed; unique keys catch the races that matter (a MessageSid, a contact's number).
    if not conn.info.get("write_late") or statement.lstrip()[:6].upper() == "SELECT":
        return
    conn.info["write_late"] = False
    raw = conn.connection.dbapi_connection
    assert raw is not None
    raw.execute("COMMIT")  # the read snapshot: nothing was written in it
    limit = db_timeout() or BUSY_TIMEOUT_SECONDS
    if not turn.acquire(timeout=limit):
        # The driver's own error, raised inside a statement's execution: SQLAlchemy treats
        # anything else there as a broken connection and invalidates it.
        raise sqlite3.OperationalError(f"database is locked: no turn within {limit:g} s")
    conn.info["turn"] = True
    try:
        # On the driver's connection: this runs inside the execution of the first write.
        wanted = int(limit * 1000)
        if conn.info.get("busy_ms", int(BUSY_TIMEOUT_SECONDS * 1000)) != wanted:
            raw.execute(f"PRAGMA busy_timeout={wanted}")
            conn.info["busy_ms"] = wanted
        raw.execute("BEGIN IMMEDIATE")
    except BaseException:
        _end_turn(turn, conn)
        raise


def _end_turn(turn: threading.Lock, conn: Connection) -> None:
    conn.info.pop("write_late", None)
    if conn.info.pop("turn", False):
        turn.release()


class DatabaseBusy(TimeoutError):
    """Another thread of this process held the SQLite database for longer than we may wait."""


_TURNS: dict[str, threading.Lock] = {}


def _turn_for(path: str) -> threading.Lock:
    return _TURNS.setdefault(path, threading.Lock())


def _sqlite_busy_timeout(conn: Connection) -> None:
    # A webhook lane's thread gives up on the lock well inside the webhook deadline, so a
    # locked file holds each lane thread for seconds, not half a minute.
    wanted = int((db_timeout() or BUSY_TIMEOUT_SECONDS) * 1000)
    if conn.info.get("busy_ms", int(BUSY_TIMEOUT_SECONDS * 1000)) != wanted:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={wanted}")
        conn.info["busy_ms"] = wanted


@functools.cache
def get_engine() -> Engine:
    """Return the process-wide engine for the configured database."""
    return make_engine(get_settings().database_url)


@functools.cache
def _factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextlib.contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """Open a session that commits on success and rolls back on error."""
    session = _factory(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@functools.cache
def _write_late(engine: Engine) -> Engine:
    return engine.execution_options(**{_WRITE_LATE: True})


@contextlib.contextmanager
def write_late_scope(engine: Engine | None = None) -> Iterator[Session]:
    """session_scope for work that reads first and writes last: on SQLite the write lock (and
    this process's turn) is taken at the first write, not at the first read."""
    with session_scope(_write_late(engine or get_engine())) as session:
        yield session


@functools.cache
def _read_only(engine: Engine) -> Engine:
    return engine.execution_options(**{_READ_ONLY: True})


@contextlib.contextmanager
def read_scope(engine: Engine | None = None) -> Iterator[Session]:
    """Open a session for reads only: on SQLite it holds no write lock (see above)."""
    session = _factory(_read_only(engine or get_engine()))()
    try:
        yield session
    finally:
        # close, not rollback: what was read stays readable (detached, not expired).
        session.close()


@contextlib.contextmanager
def unlocked_reads(session: Session) -> Iterator[Session]:
    """A session to read from that holds no write lock: this one when it holds none, else a
    read_scope beside it.

    On PostgreSQL reads lock nothing, so the session's own transaction serves (no second
    connection, checkout and ping); on SQLite, a write_late_scope that has not written yet is
    still reading its snapshot without a turn. Either way the reads do not flush this session's
    pending changes (that would take the write lock early); those are written at commit.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite" or connection.info.get("write_late"):
        with session.no_autoflush:
            yield session
        return
    with read_scope(session.get_bind()) as reader:  # type: ignore[arg-type]
        yield reader


def upgrade(engine: Engine | None = None) -> tuple[str | None, str | None]:
    """Bring the schema to the newest Alembic revision; return the revisions before and after."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    engine = engine or get_engine()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        after = MigrationContext.configure(connection).get_current_revision()
    return before, after


def ping(engine: Engine | None = None) -> None:
    """Raise if the database cannot answer a trivial query."""
    with (engine or get_engine()).connect() as connection:
        connection.execute(text("SELECT 1"))
