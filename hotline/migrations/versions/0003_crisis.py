"""support cases record the kind of danger (suicide, medical, violence, others)

Revision ID: 0003_crisis
Revises: 0005_limits
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_crisis"
down_revision = "0002_staff"  # re-chained after 0002_staff when merging into main
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_cases") as batch:
        batch.add_column(sa.Column("danger", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("support_cases") as batch:
        batch.drop_column("danger")
