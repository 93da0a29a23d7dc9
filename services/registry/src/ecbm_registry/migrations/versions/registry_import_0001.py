"""Registry read models: a programme's external id (the importer's key), unique.

Revision ID: registry_import_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_import_0001"
down_revision = "registry_programmes_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: programmes not imported have no key; NULLs never collide in a unique index.
    op.add_column("programmes", sa.Column("external_id", sa.String(100), nullable=True))
    op.create_index("ix_programmes_external_id", "programmes", ["external_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_programmes_external_id", "programmes")
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("external_id")
