"""PostgreSQL: the directory's version becomes a sequence, moved after each commit.

A counter row updated inside every registering transaction serialised them all from
that UPDATE to their COMMIT (see projections._moved). SQLite keeps the row.

Revision ID: registry_directory_0003
"""

from __future__ import annotations

from alembic import op

revision = "registry_directory_0003"
down_revision = "registry_directory_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE directory_version")
    # Carry on from the row's version, so no cached answer's key comes back.
    op.execute("SELECT setval('directory_version', version + 1) FROM directory_state WHERE id = 1")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "UPDATE directory_state SET version = (SELECT last_value FROM directory_version) + 1"
    )
    op.execute("DROP SEQUENCE directory_version")
