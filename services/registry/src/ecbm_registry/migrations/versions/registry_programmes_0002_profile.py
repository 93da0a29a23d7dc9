"""Registry read models: programme profile (target groups, formats, ages, numbers, place).

Revision ID: registry_programmes_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_programmes_0002"
down_revision = "registry_0001"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column[object]]:
    # Nullable: rows projected before this revision keep NULL, read as "not given".
    return [
        sa.Column("target_groups", sa.JSON, nullable=True),
        sa.Column("formats", sa.JSON, nullable=True),
        sa.Column("focus_areas", sa.JSON, nullable=True),
        sa.Column("age_min", sa.Integer, nullable=True),
        sa.Column("age_max", sa.Integer, nullable=True),
        sa.Column("mentors_per_year", sa.Integer, nullable=True),
        sa.Column("mentees_per_year", sa.Integer, nullable=True),
        sa.Column("matches_per_year", sa.Integer, nullable=True),
        sa.Column("start_year", sa.Integer, nullable=True),
        sa.Column("regions", sa.JSON, nullable=True),
        sa.Column("city", sa.String(200), nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("location_matched", sa.String(300), nullable=True),
        sa.Column("learning_goals", sa.JSON, nullable=True),
        sa.Column("evaluations", sa.JSON, nullable=True),
        sa.Column("evidence_level", sa.String(40), nullable=True),
        sa.Column("evidence_rank", sa.Integer, nullable=True),
    ]


def upgrade() -> None:
    for column in _columns():
        op.add_column("programmes", column)
    op.add_column("organisations", sa.Column("editors", sa.JSON, nullable=True))
    op.create_index("ix_programmes_evidence_rank", "programmes", ["evidence_rank"])


def downgrade() -> None:
    op.drop_index("ix_programmes_evidence_rank", "programmes")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("editors")
    with op.batch_alter_table("programmes") as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
