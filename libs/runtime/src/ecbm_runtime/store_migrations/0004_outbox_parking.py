"""Outbox rows the broker keeps refusing are parked; rows carry their stream for ordering.

``stream`` is the event stream a row was translated from (NULL for rows published without
a domain event): the relay keeps each stream's rows in order, so a row behind a refused or
parked row of the same stream waits for it. ``parked_at`` and ``last_error`` say when and
why the relay gave up on a row (``ecbm outbox list|retry``).

Revision ID: store_0004_outbox_parking
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0004_outbox_parking"
down_revision = "store_0003_idempotency"
branch_labels = None
depends_on = None

# Rows that failed at least once and are still owed: few, and all the relay must look up
# to hold the rows behind them.
TROUBLED = "attempts > 0 AND published_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("stream", sa.String(200), nullable=True))
        table.add_column(sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("last_error", sa.Text, nullable=True))
    op.create_index(
        "ix_outbox_troubled",
        "outbox",
        ["stream", "id"],
        postgresql_where=sa.text(TROUBLED),
        sqlite_where=sa.text(TROUBLED),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_troubled", "outbox")
    with op.batch_alter_table("outbox") as table:
        for column in ("last_error", "parked_at", "stream"):
            table.drop_column(column)
