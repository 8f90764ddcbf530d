"""Engine, sessions and migrations."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from hotline.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_READ_ONLY = "hotline_read_only"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout so workers and web can share it."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # A bounded connect: an unreachable server must fail fast, not hold a webhook for minutes.
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"connect_timeout": 5}
    )


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # Let SQLAlchemy, not the driver, issue BEGIN (see _sqlite_begin_immediate).
    dbapi_conn.isolation_level = None  # type: ignore[attr-defined]


def _sqlite_begin_immediate(conn: Connection) -> None:
    # Web, worker and scheduler processes share one SQLite file. A deferred transaction that
    # reads and then writes fails with "database is locked" when another process wrote in
    # between; taking the write lock at BEGIN makes writers queue behind busy_timeout instead.
    # A read-only session (read_scope) never writes, so it takes no lock: in WAL mode it reads
    # a snapshot while others write.
    if conn.get_execution_options().get(_READ_ONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


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


def upgrade(engine: Engine | None = None) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    engine = engine or get_engine()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def ping(engine: Engine | None = None) -> None:
    """Raise if the database cannot answer a trivial query."""
    with (engine or get_engine()).connect() as connection:
        connection.execute(text("SELECT 1"))
