"""Idempotency keys of creates, scoped to the caller, with the request's fingerprint.

Revision ID: store_0003_idempotency
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0003_idempotency"
down_revision = "store_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
