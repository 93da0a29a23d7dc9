"""Alerts: a change counter for what the saved searches' index is built from.

The index was kept while the searches' count and latest change time stayed the same: a
change committed after a later-stamped one, a delete plus an add, or an organisation's
kind learnt later left an old index in use. The counter moves once per committed
transaction that changes any of them (``ecbm_runtime.change_counter``).

Revision ID: alerts_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0003"
down_revision = "alerts_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_searches_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO alert_searches_state (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE alert_searches_version")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE alert_searches_version")
    op.drop_table("alert_searches_state")
