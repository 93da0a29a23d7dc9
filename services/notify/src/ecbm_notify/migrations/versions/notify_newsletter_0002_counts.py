"""Notify newsletter: per-campaign counters kept by the sender, so reading a campaign's
counts is one row, not a count over its (up to 100,000) recipient rows.

Revision ID: notify_newsletter_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "notify_newsletter_0002"
down_revision = "notify_newsletter_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "newsletter_campaign_counts",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("queued", sa.Integer, nullable=False),
        sa.Column("sent", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
    )
    # Campaigns started before: count their rows once.
    op.execute(
        "INSERT INTO newsletter_campaign_counts (campaign_id, queued, sent, failed, skipped) "
        "SELECT campaign_id, "
        "SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) "
        "FROM newsletter_sends GROUP BY campaign_id"
    )


def downgrade() -> None:
    op.drop_table("newsletter_campaign_counts")
