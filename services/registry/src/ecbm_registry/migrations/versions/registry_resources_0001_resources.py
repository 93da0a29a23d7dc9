"""Registry read model of shared resources.

Revision ID: registry_resources_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_resources_0001"
down_revision = "registry_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resources",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("drafted_position", sa.BigInteger, nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("link", sa.String(1000), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("countries", sa.JSON, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("author_display_name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("review_comments", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("publish_time", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_resources_status_kind", "resources", ["status", "kind"])
    op.create_index("ix_resources_author", "resources", ["author"])


def downgrade() -> None:
    op.drop_table("resources")
