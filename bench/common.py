"""What the benches share: the parts they run on (set before hotline reads its settings)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy import text

_TMP = Path(tempfile.mkdtemp(prefix="hotline-bench-"))


def use_bench_parts(**env: str) -> str:
    """Point hotline at the bench database (PostgreSQL when asked, else a temporary SQLite)."""
    url = (
        os.environ.get("HOTLINE_BENCH_DATABASE_URL")
        or os.environ.get("HOTLINE_TEST_DATABASE_URL")
        or f"sqlite:///{_TMP}/bench.db"
    )
    os.environ.update(
        {
            "HOTLINE_DATABASE_URL": url,
            "HOTLINE_PUBLIC_URL": "https://hotline.example.org",
            "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
            "TWILIO_AUTH_TOKEN": "bench-auth-token-0123456789",
            "HOTLINE_SECRET_KEY": "bench-secret-key-0123456789abcdef",
            "HOTLINE_FROM_NUMBER": "+15005550006",
            **env,
        }
    )
    return url


def start_redis() -> tuple[str, object]:
    """The bench Redis URL, starting an embedded server when none is given."""
    from hotline import queues

    url = os.environ.get("HOTLINE_BENCH_REDIS_URL") or os.environ.get("HOTLINE_TEST_REDIS_URL")
    if url:
        os.environ["HOTLINE_REDIS_URL"] = url
        return url, None
    server = queues.embedded_redis(_TMP / "redis" / "bench.rdb")
    url = queues.embedded_url(server)
    os.environ["HOTLINE_REDIS_URL"] = url
    return url, server


def reset_database() -> None:
    """Empty the bench database and bring it to the newest schema."""
    from hotline import db
    from hotline.models import Base

    engine = db.get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    db.upgrade(engine)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
