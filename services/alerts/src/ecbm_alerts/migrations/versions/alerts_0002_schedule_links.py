"""The poll schedule that survives a restart, organisations' kinds (from registry) and
subscribers' organisations, and rapporteurs linked to policy contacts on items.

Revision ID: alerts_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0002"
down_revision = "alerts_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_poll_schedule",
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column("next_poll_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alert_organisations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
    )
    with op.batch_alter_table("alert_items") as batch:
        batch.add_column(sa.Column("contacts", sa.JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("alert_subscriptions") as batch:
        batch.add_column(
            sa.Column("organisation_id", sa.String(64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_subscriptions") as batch:
        batch.drop_column("organisation_id")
    with op.batch_alter_table("alert_items") as batch:
        batch.drop_column("contacts")
    op.drop_table("alert_organisations")
    op.drop_table("alert_poll_schedule")
