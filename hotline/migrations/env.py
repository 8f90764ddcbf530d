"""Alembic environment: runs on the connection handed over by hotline.db.upgrade."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from hotline.db import get_engine
from hotline.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with get_engine().begin() as fresh:
        _run(fresh)
