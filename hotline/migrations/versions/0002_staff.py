"""staff: roles, meetings, weekly shifts, ONCALL overrides, removal; first page time

Revision ID: 0002_staff
Revises: 0005_limits
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_staff"
down_revision = "0005_limits"  # re-chained after main's 0005_limits (was "0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coordinators") as batch:
        batch.add_column(sa.Column("oncall_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("support_cases") as batch:
        batch.add_column(sa.Column("first_paged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "staff_meetings",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["coordinators.id"]),
        sa.PrimaryKeyConstraint("staff_id", "meeting_id"),
    )
    op.create_table(
        "staff_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("rota", sa.String(length=20), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["coordinators.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_shifts_staff_id", "staff_shifts", ["staff_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_shifts_staff_id", table_name="staff_shifts")
    op.drop_table("staff_shifts")
    op.drop_table("staff_meetings")
    with op.batch_alter_table("support_cases") as batch:
        batch.drop_column("first_paged_at")
    with op.batch_alter_table("coordinators") as batch:
        batch.drop_column("removed_at")
        batch.drop_column("oncall_until")
