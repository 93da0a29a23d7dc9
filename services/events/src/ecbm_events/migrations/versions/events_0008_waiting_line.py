"""Events: the registrations-by-event index ends in the queue position.

A place on a waiting list is counted from the end of the line (the pool's waiting counter
less those who joined after): with the position in the index that count reads only the
few rows after a registration, not the whole list.

Revision ID: events_0008
"""

from __future__ import annotations

from alembic import op

revision = "events_0008"
down_revision = "events_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("registrations_by_event", "registrations")
    op.create_index(
        "registrations_by_event", "registrations", ["event_id", "state", "mode", "queue_position"]
    )


def downgrade() -> None:
    op.drop_index("registrations_by_event", "registrations")
    op.create_index("registrations_by_event", "registrations", ["event_id", "state", "mode"])
