"""Quality: labels keep the deadline of their conditions once met (the register shows both).

``conditions_due`` stays the open conditions' deadline (none when met: what the worker
follows); ``conditions_deadline`` is the latest conditions' deadline, kept when they are
met. Labels whose conditions were met before this revision show none until the read models
are replayed (``ecbm replay quality``).

Revision ID: quality_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "quality_0003"
down_revision = "quality_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quality_labels") as batch:
        batch.add_column(
            sa.Column("conditions_deadline", sa.DateTime(timezone=True), nullable=True)
        )
    labels = sa.table(
        "quality_labels",
        sa.column("conditions_due", sa.DateTime(timezone=True)),
        sa.column("conditions_deadline", sa.DateTime(timezone=True)),
    )
    op.get_bind().execute(
        sa.update(labels)
        .where(labels.c.conditions_due.is_not(None))
        .values(conditions_deadline=labels.c.conditions_due)
    )
    # The committee's filter (open conditions, due before a date) and the worker's timer.
    op.create_index("ix_quality_labels_conditions_due", "quality_labels", ["conditions_due"])


def downgrade() -> None:
    op.drop_index("ix_quality_labels_conditions_due", "quality_labels")
    with op.batch_alter_table("quality_labels") as batch:
        batch.drop_column("conditions_deadline")
