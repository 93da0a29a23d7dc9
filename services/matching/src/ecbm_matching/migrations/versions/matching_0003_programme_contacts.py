"""Matching: messages to a programme reach its contacts (its organisation's editors).

Revision ID: matching_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "matching_0003"
down_revision = "matching_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_editors",
        sa.Column("organisation_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(64), primary_key=True, index=True),
    )
    op.add_column(
        "threads",
        sa.Column("to_programme", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("to_programme")
    op.drop_table("organisation_editors")
