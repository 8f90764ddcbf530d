"""dashboard: case notes, room participants, find outcomes, broadcast extras, meeting caps

Revision ID: 0006_dashboard
Revises: 0004_feeds
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_dashboard"
down_revision = "0004_feeds"  # re-chained after main's head 0004_feeds (was "0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["support_cases.id"]),
        sa.ForeignKeyConstraint(["coordinator_id"], ["coordinators.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    op.create_table(
        "room_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("label", sa.Integer(), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("room_id", "call_sid"),
    )
    op.create_index("ix_room_participants_room_id", "room_participants", ["room_id"])
    op.create_table(
        "find_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("zip3", sa.String(length=3), nullable=True),
        sa.Column("local_found", sa.Boolean(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_find_outcomes_at", "find_outcomes", ["at"])
    op.add_column("broadcasts", sa.Column("body_es", sa.Text(), nullable=True))
    op.add_column("broadcasts", sa.Column("send_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("meetings", sa.Column("max_participants", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("meetings", "max_participants")
    op.drop_column("broadcasts", "send_at")
    op.drop_column("broadcasts", "body_es")
    op.drop_index("ix_find_outcomes_at", table_name="find_outcomes")
    op.drop_table("find_outcomes")
    op.drop_index("ix_room_participants_room_id", table_name="room_participants")
    op.drop_table("room_participants")
    op.drop_index("ix_case_notes_case_id", table_name="case_notes")
    op.drop_table("case_notes")
