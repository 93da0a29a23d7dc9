"""Events record the transaction that wrote them, so appends need no global lock (PostgreSQL).

Tailing readers read in commit order, (transaction_id, position), and only below the oldest
transaction still running (``EventStore.read_all``); appends then run concurrently instead
of queueing on one lock. Existing rows get the migration's own transaction id: they keep
their order (position) and come before every later append. SQLite keeps its single
writer, so its events need no such column.

Revision ID: store_0005_transaction_id
"""

from __future__ import annotations

from alembic import op

revision = "store_0005_transaction_id"
down_revision = "store_0004_outbox_parking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE events ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id()"
    )
    op.execute("CREATE INDEX ix_events_commit_order ON events (transaction_id, position)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_events_commit_order")
    op.execute("ALTER TABLE events DROP COLUMN transaction_id")
