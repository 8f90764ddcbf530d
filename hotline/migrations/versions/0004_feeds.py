"""feeds: registered feeds, one meeting for all its days, attendance, retired meetings

Revision ID: 0004_feeds
Revises: 0002_staff
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_feeds"
down_revision = "0007_warm"  # re-chained after 0007_warm when merging into main
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("default_time_zone", sa.String(length=64), nullable=True),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("more_weekdays", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("location", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("conference_notes", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("in_person", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("feed_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_meetings_feed_id", "feeds", ["feed_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_meetings_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(
            "ix_meetings_listed",
            ["active", "in_person", "latitude", "longitude"],
            unique=False,
        )
        batch_op.create_index("ix_meetings_updated_at", ["updated_at"], unique=False)
    # The server defaults only filled the existing rows; the models set every column.
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        for column in ("more_weekdays", "location", "conference_notes", "in_person"):
            batch_op.alter_column(column, server_default=None)
    # Phone and online meetings had no place to go to.
    op.execute("UPDATE meetings SET in_person = false WHERE format <> 'in_person'")


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_updated_at")
        batch_op.drop_index("ix_meetings_listed")
        batch_op.drop_index(batch_op.f("ix_meetings_feed_id"))
        batch_op.drop_constraint("fk_meetings_feed_id", type_="foreignkey")
        for column in (
            "retired_at",
            "feed_id",
            "in_person",
            "conference_notes",
            "location",
            "more_weekdays",
        ):
            batch_op.drop_column(column)
    op.drop_table("feeds")
