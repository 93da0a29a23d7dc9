"""Alerts read models: sources, items, their changes and matches, subscriptions.

Revision ID: alerts_0001
"""

from __future__ import annotations

from alembic import op

from ecbm_alerts.adapters.tables import READ_MODELS

revision = "alerts_0001"
down_revision = None
branch_labels = ("alerts",)
depends_on = "store_0001"


def upgrade() -> None:
    bind = op.get_bind()
    for table in READ_MODELS:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(READ_MODELS):
        table.drop(bind)
