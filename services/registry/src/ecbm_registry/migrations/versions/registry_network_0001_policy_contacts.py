"""Registry read models of the Brussels network: policy contacts, stances, interactions.

Revision ID: registry_network_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_network_0001"
down_revision = "registry_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_contacts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("added_position", sa.BigInteger, nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("institution", sa.String(200), nullable=False),
        sa.Column("committee", sa.String(200), nullable=False),
        sa.Column("directorate_general", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("stance", sa.String(20), nullable=False),
        sa.Column("stance_rank", sa.Integer, nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_policy_contacts_country_kind", "policy_contacts", ["country", "kind"])
    op.create_table(
        "policy_contact_topics",
        sa.Column("contact_id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(100), primary_key=True),
    )
    op.create_index("ix_policy_contact_topics_topic", "policy_contact_topics", ["topic"])
    op.create_table(
        "policy_contact_stance_changes",
        sa.Column("contact_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("stance", sa.String(20), nullable=False),
        sa.Column("previous", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("change_time", sa.DateTime(timezone=True), nullable=False),
    )
    _interactions()


def _interactions() -> None:
    op.create_table(
        "policy_interactions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("logged_position", sa.BigInteger, nullable=False, unique=True),
        sa.Column("contact_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False, index=True),
        sa.Column("participants", sa.JSON, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("logged_by", sa.String(200), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "policy_interaction_participants",
        sa.Column("interaction_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(64), primary_key=True),
    )
    op.create_index(
        "ix_policy_interaction_participants_person",
        "policy_interaction_participants",
        ["person_id"],
    )


def downgrade() -> None:
    for table in (
        "policy_interaction_participants",
        "policy_interactions",
        "policy_contact_stance_changes",
        "policy_contact_topics",
        "policy_contacts",
    ):
        op.drop_table(table)
