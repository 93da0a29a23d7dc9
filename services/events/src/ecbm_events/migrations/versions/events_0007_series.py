"""Events: series as their own resource; an event names its series by id.

Revision ID: events_0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "events_0007"
down_revision = "events_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_series",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_series_kind", "event_series", ["kind"])
    with op.batch_alter_table("event_listings") as table:
        table.add_column(sa.Column("series_id", sa.String(64), nullable=False, server_default=""))
    op.create_index("ix_event_listings_series_id", "event_listings", ["series_id"])


def downgrade() -> None:
    op.drop_index("ix_event_listings_series_id", "event_listings")
    with op.batch_alter_table("event_listings") as table:
        table.drop_column("series_id")
    op.drop_index("ix_event_series_kind", "event_series")
    op.drop_table("event_series")
