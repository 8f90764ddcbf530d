"""deadline: why a call got only the short answer (the per-number call limit)

Revision ID: 0009_deadline
Revises: 0012_outbox_refs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_deadline"
down_revision = "0012_outbox_refs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("limited", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("limited")
