"""dashboard: a meeting detached from its feed (later reads leave it alone)

Revision ID: 0008_dashboard_more
Revises: 0006_dashboard
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_dashboard_more"
down_revision = "0006_dashboard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.add_column(sa.Column("detached_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.drop_column("detached_at")
