"""outbox refs: a row carries its subscription, meeting and announced occurrence as columns

Rows queued before this revision keep them only in dedupe_key; the sender still reads those.

Revision ID: 0012_outbox_refs
Revises: 0010_warm_more
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_outbox_refs"
down_revision = "0010_warm_more"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subscription_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurs_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_outbox_messages_subscription_id", "subscriptions", ["subscription_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_outbox_messages_meeting_id", "meetings", ["meeting_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_messages_meeting_id", type_="foreignkey")
        batch_op.drop_constraint("fk_outbox_messages_subscription_id", type_="foreignkey")
        batch_op.drop_column("occurs_at")
        batch_op.drop_column("meeting_id")
        batch_op.drop_column("subscription_id")
