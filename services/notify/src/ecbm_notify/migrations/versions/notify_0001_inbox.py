"""Notify: recipients, organisation contacts, parked events, web inbox.

Revision ID: notify_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "notify_0001"
down_revision = None
branch_labels = ("notify",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "recipients",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
    )
    op.create_table(
        "organisation_contacts",
        sa.Column("organisation_id", sa.String(64), primary_key=True),
        sa.Column("recipient_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "awaiting_organisation",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("organisation_id", sa.String(64), nullable=False, index=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_position", sa.BigInteger, nullable=False, unique=True),
        sa.Column("recipient_id", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("link", sa.String(300), nullable=False),
        sa.Column("source_event_type", sa.String(200), nullable=False),
        sa.Column("read", sa.Boolean, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_notifications_inbox", "notifications", ["recipient_id", "created_position"])


def downgrade() -> None:
    for table in ("notifications", "awaiting_organisation", "organisation_contacts", "recipients"):
        op.drop_table(table)
