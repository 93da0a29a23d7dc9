"""Notify newsletter: campaigns, external subscribers, members' country and roles,
per-recipient sends (unique campaign x recipient) and sender leases.

Revision ID: notify_newsletter_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "notify_newsletter_0001"
down_revision = "notify_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "newsletter_campaigns",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("template", sa.String(80), nullable=False),
        sa.Column("blocks", sa.Text, nullable=False),
        sa.Column("audience", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("send_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("audience_size", sa.Integer, nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complete_time", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_newsletter_campaigns_state", "newsletter_campaigns", ["state", "id"])
    op.create_table(
        "newsletter_subscribers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("topics", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_newsletter_subscribers_state", "newsletter_subscribers", ["state", "id"])
    op.create_table(
        "newsletter_member_profiles",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("roles", sa.Text, nullable=False),
    )
    op.create_table(
        "newsletter_sends",
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("recipient_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("campaign_id", "recipient_id", name="pk_newsletter_sends"),
    )
    op.create_index(
        "ix_newsletter_sends_status", "newsletter_sends", ["campaign_id", "status", "recipient_id"]
    )
    op.create_table(
        "newsletter_leases",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("newsletter_leases")
    op.drop_index("ix_newsletter_sends_status", "newsletter_sends")
    op.drop_table("newsletter_sends")
    op.drop_table("newsletter_member_profiles")
    op.drop_index("ix_newsletter_subscribers_state", "newsletter_subscribers")
    op.drop_table("newsletter_subscribers")
    op.drop_index("ix_newsletter_campaigns_state", "newsletter_campaigns")
    op.drop_table("newsletter_campaigns")
