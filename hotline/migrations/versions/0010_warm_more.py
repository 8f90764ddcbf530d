"""warm line: the kind of peer a caller or texter asked for (tag routing)

Revision ID: 0010_warm_more
Revises: 0008_dashboard_more
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_warm_more"
down_revision = "0008_dashboard_more"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("warm_calls") as batch:
        batch.add_column(sa.Column("tag", sa.String(length=20), nullable=True))
    with op.batch_alter_table("relay_conversations") as batch:
        batch.add_column(sa.Column("tag", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("widened_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("relay_conversations") as batch:
        batch.drop_column("widened_at")
        batch.drop_column("tag")
    with op.batch_alter_table("warm_calls") as batch:
        batch.drop_column("tag")
