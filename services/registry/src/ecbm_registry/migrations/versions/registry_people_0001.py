"""Registry people: members, their roles, expertise, learning goals, memberships, keys.

Revision ID: registry_people_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_people_0001"
down_revision = "registry_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_keys",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("joined_position", sa.BigInteger, nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("sort_name", sa.String(200), nullable=False, index=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("bio", sa.Text, nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("affiliation_id", sa.String(64), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, index=True),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("preferred_language", sa.String(2), nullable=False),
        sa.Column("open_to_visiting_professorship", sa.Boolean, nullable=False),
        sa.Column("open_to_hosting_interns", sa.Boolean, nullable=False),
        sa.Column("open_to_peer_review", sa.Boolean, nullable=False),
        sa.Column("listed_in_directory", sa.Boolean, nullable=False),
        sa.Column("contact_by_email", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    _topic_tables()
    op.create_table(
        "memberships",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("motivation", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("apply_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )


def _topic_tables() -> None:
    op.create_table(
        "person_roles",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(40), primary_key=True),
    )
    op.create_index("ix_person_roles_role", "person_roles", ["role", "person_id"])
    op.create_table(
        "person_expertise",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(64), primary_key=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_index("ix_person_expertise_topic", "person_expertise", ["topic", "person_id"])
    op.create_table(
        "person_learning_goals",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(64), primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_person_learning_goals_topic", "person_learning_goals", ["topic", "person_id"]
    )


def downgrade() -> None:
    for table in (
        "memberships",
        "person_learning_goals",
        "person_expertise",
        "person_roles",
        "people",
        "person_keys",
    ):
        op.drop_table(table)
