"""Person keys wrapped with key-encryption keys: a wider key column and a ``wrapped`` flag.

Keys stored before stay readable (``wrapped`` false) until ``ecbm registry rewrap-keys``
wraps them: a migration has no business holding the key-encryption keys.

Revision ID: registry_people_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_people_0002"
down_revision = "registry_people_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_keys") as table:
        table.alter_column("key", type_=sa.String(512), existing_nullable=False)
        table.add_column(
            sa.Column("wrapped", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("person_keys") as table:
        table.drop_column("wrapped")
        table.alter_column("key", type_=sa.String(64), existing_nullable=False)
