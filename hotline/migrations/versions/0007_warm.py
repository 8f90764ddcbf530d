"""warm line: volunteer profiles, the voice queue, voicemails, text relay, caring consents

Revision ID: 0007_warm
Revises: 0002_staff
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_warm"
down_revision = "0003_crisis"  # re-chained after 0003_crisis when merging into main
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "volunteer_profiles",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("languages", sa.String(length=40), nullable=False),
        sa.Column("tags", sa.String(length=200), nullable=False),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=True),
        sa.Column("available_until", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["coordinators.id"]),
        sa.PrimaryKeyConstraint("staff_id"),
    )
    op.create_table(
        "warm_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("rung", sa.JSON(), nullable=False),
        sa.Column("last_ring_at", _WHEN, nullable=True),
        sa.Column("taken_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", _WHEN, nullable=False),
        sa.Column("answered_at", _WHEN, nullable=True),
        sa.Column("ended_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"]),
        sa.ForeignKeyConstraint(["taken_by_id"], ["coordinators.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_sid"),
    )
    op.create_index("ix_warm_calls_contact_id", "warm_calls", ["contact_id"])
    op.create_index("ix_warm_calls_status", "warm_calls", ["status"])
    op.create_table(
        "voicemails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warm_call_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("recording_sid", sa.String(length=64), nullable=True),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("called_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("called_at", _WHEN, nullable=True),
        sa.Column("deleted_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(["warm_call_id"], ["warm_calls.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["support_cases.id"]),
        sa.ForeignKeyConstraint(["called_by_id"], ["coordinators.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recording_sid"),
    )
    op.create_index("ix_voicemails_contact_id", "voicemails", ["contact_id"])
    op.create_index("ix_voicemails_created_at", "voicemails", ["created_at"])
    op.create_table(
        "relay_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", _WHEN, nullable=False),
        sa.Column("taken_at", _WHEN, nullable=True),
        sa.Column("last_activity_at", _WHEN, nullable=False),
        sa.Column("closed_at", _WHEN, nullable=True),
        sa.Column("closed_by", sa.String(length=12), nullable=True),
        sa.Column("texts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["coordinators.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_relay_conversations_contact_id", "relay_conversations", ["contact_id"])
    op.create_index("ix_relay_conversations_status", "relay_conversations", ["status"])
    op.create_table(
        "caring_consents",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", _WHEN, nullable=False),
        sa.Column("agreed_at", _WHEN, nullable=True),
        sa.Column("scheduled_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["support_cases.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_caring_consents_contact_id", "caring_consents", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_caring_consents_contact_id", table_name="caring_consents")
    op.drop_table("caring_consents")
    op.drop_index("ix_relay_conversations_status", table_name="relay_conversations")
    op.drop_index("ix_relay_conversations_contact_id", table_name="relay_conversations")
    op.drop_table("relay_conversations")
    op.drop_index("ix_voicemails_created_at", table_name="voicemails")
    op.drop_index("ix_voicemails_contact_id", table_name="voicemails")
    op.drop_table("voicemails")
    op.drop_index("ix_warm_calls_status", table_name="warm_calls")
    op.drop_index("ix_warm_calls_contact_id", table_name="warm_calls")
    op.drop_table("warm_calls")
    op.drop_table("volunteer_profiles")
