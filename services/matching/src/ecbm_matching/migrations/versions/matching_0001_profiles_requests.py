"""Matching read models: profiles, requests, candidate marks, weight history.

Revision ID: matching_0001
"""

from __future__ import annotations

from alembic import op

from ecbm_matching.adapters.tables import metadata

revision = "matching_0001"
down_revision = None
branch_labels = ("matching",)
depends_on = "store_0001"


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
