"""Quality read models: registry's facts, the public register, applications, criteria sets.

Revision ID: quality_0001
"""

from __future__ import annotations

from alembic import op

from ecbm_quality.adapters.tables import metadata

revision = "quality_0001"
down_revision = None
branch_labels = ("quality",)
depends_on = "store_0001"


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
