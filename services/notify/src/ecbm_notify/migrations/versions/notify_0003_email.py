"""Notify: e-mail preferences, the delivery log (one row per event x recipient x channel)
and its status history.

Revision ID: notify_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "notify_0003"
down_revision = "notify_0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "preferences",
        sa.Column("recipient_id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(40), primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("source_key", sa.String(64), nullable=False),
        sa.Column("recipient_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("notification_type", sa.String(80), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("critical", sa.Boolean, nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("digest_id", sa.String(64), nullable=True),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_time", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ux_deliveries_source", "deliveries", ["source_key", "recipient_id", "channel"],
        unique=True,
    )  # fmt: skip
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_recipient", "deliveries", ["recipient_id", "create_time"])
    op.create_table(
        "delivery_history",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("delivery_history")
    op.drop_index("ix_deliveries_recipient", "deliveries")
    op.drop_index("ix_deliveries_due", "deliveries")
    op.drop_index("ux_deliveries_source", "deliveries")
    op.drop_table("deliveries")
    op.drop_table("preferences")
