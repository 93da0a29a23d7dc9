"""Notify: recipients learnt from registry people (person id, language, e-mail consent),
events waiting for their person, and the ids of forgotten people.

Revision ID: notify_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "notify_0002"
down_revision = "notify_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recipients") as table:
        table.add_column(sa.Column("person_id", sa.String(64), nullable=True))
        table.add_column(sa.Column("preferred_language", sa.String(8), nullable=True))
        table.add_column(sa.Column("contact_by_email", sa.Boolean, nullable=True))
    # NULLs do not collide: organisation contacts who are not (yet) people have none.
    op.create_index("ux_recipients_person", "recipients", ["person_id"], unique=True)
    op.create_table(
        "awaiting_person",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "forgotten_people",
        sa.Column("person_id", sa.String(64), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("forgotten_people")
    op.drop_table("awaiting_person")
    op.drop_index("ux_recipients_person", "recipients")
    with op.batch_alter_table("recipients") as table:
        table.drop_column("contact_by_email")
        table.drop_column("preferred_language")
        table.drop_column("person_id")
