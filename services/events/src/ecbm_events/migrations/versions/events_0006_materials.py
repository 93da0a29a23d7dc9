"""Events: recordings and materials published for an event or its sessions.

Revision ID: events_0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "events_0006"
down_revision = "events_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_materials",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(127), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_materials")
