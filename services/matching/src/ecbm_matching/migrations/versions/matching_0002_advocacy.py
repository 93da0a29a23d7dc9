"""Meet & Match re-planning and the Brussels advocacy programme: buildings and travel,
schedule versions and withdrawn slots and tables, delegations, policy contacts and their
time windows, delegation visits.

Revision ID: matching_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "matching_0002"
down_revision = "matching_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name, kind, default in (
        ("buildings", sa.JSON, "[]"),
        ("travel", sa.JSON, "[]"),
        ("version", sa.Integer, "0"),
        ("withdrawn_slots", sa.JSON, "[]"),
        ("withdrawn_tables", sa.JSON, "[]"),
    ):
        op.add_column("mm_events", sa.Column(name, kind, nullable=False, server_default=default))
    op.add_column(
        "mm_meetings", sa.Column("visit", sa.Boolean, nullable=False, server_default="false")
    )
    op.create_table(
        "mm_delegations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("committees", sa.JSON, nullable=False),
        sa.Column("members", sa.JSON, nullable=False),
    )
    op.create_table(
        "policy_contacts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("committee", sa.String(200), nullable=False, server_default=""),
        sa.Column("withdrawn", sa.Boolean, nullable=False, server_default="false"),
    )
    op.create_table(
        "mm_contact_windows",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("contact_id", sa.String(64), primary_key=True),
        sa.Column("windows", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mm_contact_windows")
    op.drop_table("policy_contacts")
    op.drop_table("mm_delegations")
    op.drop_column("mm_meetings", "visit")
    for name in ("withdrawn_tables", "withdrawn_slots", "version", "travel", "buildings"):
        op.drop_column("mm_events", name)
