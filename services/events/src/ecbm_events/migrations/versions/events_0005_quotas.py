"""Events: ticket types and quotas; a places counter per event and pool; one open
registration per person and event.

Revision ID: events_0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "events_0005"
down_revision = "events_0004"
branch_labels = None
depends_on = None

OPEN_OF_SOMEONE = sa.text("state NOT IN ('cancelled', 'declined') AND person_id != ''")
HOLDING = "('confirmed', 'offered', 'attended', 'no_show')"


def upgrade() -> None:
    with op.batch_alter_table("event_listings") as table:
        table.add_column(sa.Column("ticket_types", sa.JSON, nullable=False, server_default="[]"))
        table.add_column(sa.Column("quotas", sa.JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("registrations") as table:
        table.add_column(sa.Column("ticket_type", sa.String(64), nullable=False, server_default=""))
        table.add_column(sa.Column("country", sa.String(2), nullable=False, server_default=""))
        table.add_column(sa.Column("role", sa.String(64), nullable=False, server_default=""))
        table.add_column(sa.Column("quotas", sa.JSON, nullable=False, server_default="[]"))
    op.create_index(
        "registrations_one_open",
        "registrations",
        ["event_id", "person_id"],
        unique=True,
        sqlite_where=OPEN_OF_SOMEONE,
        postgresql_where=OPEN_OF_SOMEONE,
    )
    op.create_table(
        "event_places",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("pool", sa.String(80), primary_key=True),
        sa.Column("places", sa.Integer, nullable=False),
        sa.Column("taken", sa.Integer, nullable=False),
        sa.Column("waiting", sa.Integer, nullable=False),
        sa.CheckConstraint("taken <= places", name="places_not_overbooked"),
    )
    for mode in ("on_site", "online"):  # the counts so far; events had no quotas before
        op.execute(
            f"""
            INSERT INTO event_places (event_id, pool, places, taken, waiting)
            SELECT l.id, 'mode:{mode}', l.{mode}_places,
              (SELECT count(*) FROM registrations r WHERE r.event_id = l.id
                 AND r.mode = '{mode}' AND r.state IN {HOLDING}),
              (SELECT count(*) FROM registrations r WHERE r.event_id = l.id
                 AND r.mode = '{mode}' AND r.state = 'waitlisted')
            FROM event_listings l
            """
        )


def downgrade() -> None:
    op.drop_table("event_places")
    op.drop_index("registrations_one_open", "registrations")
    with op.batch_alter_table("registrations") as table:
        for column in ("quotas", "role", "country", "ticket_type"):
            table.drop_column(column)
    with op.batch_alter_table("event_listings") as table:
        table.drop_column("quotas")
        table.drop_column("ticket_types")
