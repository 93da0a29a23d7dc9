"""Outbox rows name the person (subject) they are about, so erasure finds them by key.

Revision ID: store_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0002"
down_revision = "store_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("subject", sa.String(64), nullable=True))
    op.create_index("ix_outbox_subject", "outbox", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_outbox_subject", "outbox")
    with op.batch_alter_table("outbox") as table:
        table.drop_column("subject")
