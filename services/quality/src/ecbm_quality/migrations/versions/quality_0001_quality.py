"""Quality read models: registry's facts, the public register, applications, criteria sets.

Revision ID: quality_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "quality_0001"
down_revision = None
branch_labels = ("quality",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "quality_applications",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("criteria_set", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("panel", sa.JSON, nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_quality_applications_programme_id", "quality_applications", ["programme_id"]
    )
    op.create_table(
        "quality_conflicts",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("subject_id", sa.String(64), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "quality_criteria_sets",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
    )
    op.create_table(
        "quality_editors",
        sa.Column("organisation_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(128), primary_key=True),
    )
    op.create_index("ix_quality_editors_person_id", "quality_editors", ["person_id"])
    op.create_table(
        "quality_label_history",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("change", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_quality_label_history_programme_id", "quality_label_history", ["programme_id"]
    )
    op.create_table(
        "quality_labels",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("programme_name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("criteria_set", sa.String(16), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("standing", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reminded", sa.Integer, nullable=False),
    )
    op.create_index("ix_quality_labels_programme_id", "quality_labels", ["programme_id"])
    op.create_index("ix_quality_labels_valid_until", "quality_labels", ["valid_until"])
    op.create_index("ix_quality_labels_standing", "quality_labels", ["standing"])
    op.create_index(
        "ix_quality_labels_register", "quality_labels", ["standing", "programme_name", "code"]
    )
    op.create_table(
        "quality_members",
        sa.Column("person_id", sa.String(128), primary_key=True),
    )
    op.create_table(
        "quality_panel_seats",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("application_id", sa.String(64), primary_key=True),
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "quality_people",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("roles", sa.String(200), nullable=False),
    )
    op.create_table(
        "quality_programmes",
        sa.Column("programme_id", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("published_step", sa.String(16), nullable=False),
    )
    op.create_index(
        "ix_quality_programmes_organisation_id", "quality_programmes", ["organisation_id"]
    )


def downgrade() -> None:
    op.drop_table("quality_programmes")
    op.drop_table("quality_people")
    op.drop_table("quality_panel_seats")
    op.drop_table("quality_members")
    op.drop_table("quality_labels")
    op.drop_table("quality_label_history")
    op.drop_table("quality_editors")
    op.drop_table("quality_criteria_sets")
    op.drop_table("quality_conflicts")
    op.drop_table("quality_applications")
