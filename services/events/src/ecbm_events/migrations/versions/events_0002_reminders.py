"""Events: which reminders went out for which event.

Revision ID: events_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "events_0002"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_reminders",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("reminder", sa.String(16), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_reminders")
