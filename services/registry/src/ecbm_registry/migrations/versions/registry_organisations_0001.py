"""Registry read models: an organisation's status (withdrawn ones), an index for listing.

Revision ID: registry_organisations_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_organisations_0001"
down_revision = "registry_programmes_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every organisation projected before this was active: nothing could withdraw one.
    op.add_column(
        "organisations",
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
    )
    op.create_index(
        "ix_organisations_country_name",
        "organisations",
        ["country", "normalised_name", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_organisations_country_name", "organisations")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("status")
