"""Sample worker's effects table: one row per handled event.

Revision ID: sample_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sample_0001"
down_revision = None
branch_labels = ("sample",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "effects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("effects")
