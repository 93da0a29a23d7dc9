"""Quality: labels' follow-up (surveillance, conditions), appeals, matching's introductions.

Revision ID: quality_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "quality_0002"
down_revision = "quality_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quality_labels") as batch:
        batch.add_column(sa.Column("surveillance_due", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("surveillance_reminded", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("conditions_due", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("conditions_reminded", sa.Integer, nullable=False, server_default="0")
        )
    # Labels awarded before: the mid-term date halfway through their validity.
    labels = sa.table(
        "quality_labels",
        sa.column("code", sa.String),
        sa.column("valid_from", sa.DateTime(timezone=True)),
        sa.column("valid_until", sa.DateTime(timezone=True)),
        sa.column("surveillance_due", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(labels.c.code, labels.c.valid_from, labels.c.valid_until))
    for code, valid_from, valid_until in rows.all():
        due = valid_from + (valid_until - valid_from) / 2
        connection.execute(
            sa.update(labels).where(labels.c.code == code).values(surveillance_due=due)
        )
    op.create_table(
        "quality_appeals",
        sa.Column("appeal_id", sa.String(64), primary_key=True),
        sa.Column("application_id", sa.String(64), nullable=False),
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("grounds", sa.Text, nullable=False),
        sa.Column("lodged_by", sa.String(128), nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("lodge_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("application_id", "programme_id", "organisation_id"):
        op.create_index(f"ix_quality_appeals_{column}", "quality_appeals", [column])
    op.create_table(
        "quality_introductions",
        sa.Column("introduction_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_quality_introductions_person_id", "quality_introductions", ["person_id"])


def downgrade() -> None:
    op.drop_table("quality_introductions")
    op.drop_table("quality_appeals")
    with op.batch_alter_table("quality_labels") as batch:
        for column in (
            "conditions_reminded",
            "conditions_due",
            "surveillance_reminded",
            "surveillance_due",
        ):
            batch.drop_column(column)
