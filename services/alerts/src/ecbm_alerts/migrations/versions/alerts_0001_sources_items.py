"""Alerts read models: sources, items, their changes and matches, subscriptions.

Revision ID: alerts_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0001"
down_revision = None
branch_labels = ("alerts",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "alert_sources",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("item_kind", sa.String(32), nullable=False),
        sa.Column("query", sa.String(500), nullable=False),
        sa.Column("interval_minutes", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("health", sa.String(16), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("etag", sa.String(500), nullable=False),
        sa.Column("last_modified", sa.String(100), nullable=False),
        sa.Column("last_success_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alert_items",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("identifier", sa.String(200), nullable=False),
        sa.Column("canonical_url", sa.String(2000), nullable=False),
        sa.Column("normalised_title", sa.String(500), nullable=False),
        sa.Column("title_block", sa.String(200), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("relevance", sa.Float, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("next_deadline", sa.Date, nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("pinned", sa.Boolean, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("picked", sa.Boolean, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("alert_items_by_block", "alert_items", ["kind", "title_block"])
    op.create_index("alert_items_by_deadline", "alert_items", ["next_deadline"])
    op.create_index("alert_items_by_url", "alert_items", ["canonical_url"])
    op.create_table(
        "alert_item_changes",
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alert_item_matches",
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("subscription_id", sa.String(64), primary_key=True, index=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("terms", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "alert_subscriptions",
        "alert_item_matches",
        "alert_item_changes",
        "alert_items",
        "alert_sources",
    ):
        op.drop_table(table)
