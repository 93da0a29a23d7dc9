"""Events: an index of each waiting line, in order.

A place on a waiting list is counted from the end of the line (the pool's waiting counter
less those who joined after). This partial index holds only waitlisted registrations, by
event, mode and queue position, so that count reads the few rows after a registration,
not the whole list. (Appending the position to ``registrations_by_event`` instead made
the planner prefer that index for the person lookups of a young table.)

Revision ID: events_0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "events_0008"
down_revision = "events_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "registrations_waiting_line",
        "registrations",
        ["event_id", "mode", "queue_position"],
        postgresql_where=sa.text("state = 'waitlisted'"),
        sqlite_where=sa.text("state = 'waitlisted'"),
    )


def downgrade() -> None:
    op.drop_index("registrations_waiting_line", "registrations")
