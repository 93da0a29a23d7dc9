"""Events: certificates of attendance, kept on the registration they certify.

Revision ID: events_0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "events_0004"
down_revision = "events_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as table:
        table.add_column(sa.Column("certificate_code", sa.String(32), nullable=True))
        table.add_column(sa.Column("certificate_name", sa.String(200), nullable=True))
        table.add_column(
            sa.Column("certificate_issued_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_index(
        "registrations_by_certificate", "registrations", ["certificate_code"], unique=True
    )


def downgrade() -> None:
    op.drop_index("registrations_by_certificate", "registrations")
    with op.batch_alter_table("registrations") as table:
        table.drop_column("certificate_issued_at")
        table.drop_column("certificate_name")
        table.drop_column("certificate_code")
