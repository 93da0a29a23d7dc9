"""Registry read models: organisations and programmes.

Revision ID: registry_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_0001"
down_revision = None
branch_labels = ("registry",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("normalised_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("city", sa.String(200), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(320), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_organisations_identity", "organisations", ["normalised_name", "country"], unique=True
    )
    op.create_table(
        "programmes",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("registered_position", sa.BigInteger, nullable=False, unique=True),
        sa.Column("organisation_id", sa.String(64), nullable=False, index=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("countries", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "programme_countries",
        sa.Column("programme_id", sa.String(64), primary_key=True),
        sa.Column("country", sa.String(2), primary_key=True),
    )
    op.create_index(
        "ix_programme_countries_country", "programme_countries", ["country", "programme_id"]
    )


def downgrade() -> None:
    for table in ("programme_countries", "programmes", "organisations"):
        op.drop_table(table)
