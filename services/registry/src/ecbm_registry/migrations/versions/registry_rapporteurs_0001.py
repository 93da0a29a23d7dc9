"""The rapporteurs of alerts' procedures, to link MEPs added to the network later.

Revision ID: registry_rapporteurs_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_rapporteurs_0001"
down_revision = "registry_network_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_procedure_rapporteurs",
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(16), primary_key=True),
        sa.Column("reference", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("network_procedure_rapporteurs")
