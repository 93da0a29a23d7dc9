"""Notify: a person's address is deliverable only once verified (issue 10, inbox takeover).

``recipients.email`` becomes nullable and loses its uniqueness (two people may give one
address and stay two recipients); ``pending_email`` holds an address waiting for its link.
Existing people's addresses were never verified (some may have been taken over): they
move to ``pending_email`` and each person who allows e-mail is queued a verification mail,
sent by the worker like any other. Organisation contacts keep their address.

Revision ID: notify_0004
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "notify_0004"
down_revision = "notify_0003"
branch_labels = None
depends_on = None

_UNIQUE = "uq_recipients_email"

_recipients = sa.table(
    "recipients",
    sa.column("id", sa.String),
    sa.column("email", sa.String),
    sa.column("person_id", sa.String),
    sa.column("contact_by_email", sa.Boolean),
    sa.column("pending_email", sa.String),
)
_deliveries = sa.table(
    "deliveries",
    *(sa.column(name) for name in (
        "id", "source_key", "recipient_id", "channel", "notification_type", "topic",
        "critical", "frequency", "status", "attempts", "next_attempt_at", "payload",
        "create_time", "update_time",
    )),
)  # fmt: skip
_history = sa.table(
    "delivery_history",
    sa.column("delivery_id"),
    sa.column("status"),
    sa.column("reason"),
    sa.column("time"),
)


def _recipients_as_in(revision: str) -> sa.Table:
    """The table as SQLite's batch copy must read it (reflection names no unique constraint)."""
    before = revision == "notify_0003"
    return sa.Table(
        "recipients",
        sa.MetaData(),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(320), nullable=not before),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=True),
        sa.Column("preferred_language", sa.String(8), nullable=True),
        sa.Column("contact_by_email", sa.Boolean, nullable=True),
        *([sa.UniqueConstraint("email", name=_UNIQUE)] if before else
          [sa.Column("pending_email", sa.String(320), nullable=True)]),
    )  # fmt: skip


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table(
            "recipients", recreate="always", copy_from=_recipients_as_in("notify_0003")
        ) as table:
            table.drop_constraint(_UNIQUE, type_="unique")
            table.add_column(sa.Column("pending_email", sa.String(320), nullable=True))
            table.alter_column("email", existing_type=sa.String(320), nullable=True)
        # The copy leaves out indexes it was not told about.
        op.create_index("ux_recipients_person", "recipients", ["person_id"], unique=True)
    else:
        op.drop_constraint("recipients_email_key", "recipients", type_="unique")
        op.add_column("recipients", sa.Column("pending_email", sa.String(320), nullable=True))
        op.alter_column("recipients", "email", existing_type=sa.String(320), nullable=True)
    op.create_index("ix_recipients_email", "recipients", ["email"])
    _unverify_people()


def _unverify_people() -> None:
    connection = op.get_bind()
    people = connection.execute(
        sa.select(_recipients.c.id, _recipients.c.email, _recipients.c.contact_by_email).where(
            _recipients.c.person_id.is_not(None), _recipients.c.email.is_not(None)
        )
    ).all()
    now = datetime.now(UTC)
    for row in people:
        connection.execute(
            sa.update(_recipients)
            .where(_recipients.c.id == row.id)
            .values(pending_email=row.email, email=None)
        )
        if row.contact_by_email:
            _queue_verification(connection, row.id, row.email, now)


def _queue_verification(connection: sa.Connection, recipient_id: str, address: str,
                        now: datetime) -> None:  # fmt: skip
    """What ``people.handlers`` queues for a new address (the link is signed at send time)."""
    delivery_id = uuid.uuid4().hex
    key = hashlib.sha256(f"email_verification|{address}|notify_0004".encode()).hexdigest()[:48]
    queued = connection.execute(
        sa.select(_deliveries.c.id).where(
            _deliveries.c.source_key == key, _deliveries.c.recipient_id == recipient_id
        )
    ).first()
    if queued is not None:  # applied before (rolled back and applied again)
        return
    connection.execute(
        sa.insert(_deliveries).values(
            id=delivery_id, source_key=key, recipient_id=recipient_id, channel="email",
            notification_type="email_verification", topic="registry", critical=True,
            frequency="immediately", status="queued", attempts=0, next_attempt_at=now,
            payload=json.dumps({"address": address}), create_time=now, update_time=now,
        )
    )  # fmt: skip
    connection.execute(
        sa.insert(_history).values(delivery_id=delivery_id, status="queued", reason=None, time=now)
    )


def downgrade() -> None:
    """Addresses waiting for verification become the address again (as before: unverified).
    Fails when two recipients share an address (the old unique constraint cannot hold)."""
    op.execute(
        sa.update(_recipients)
        .where(_recipients.c.email.is_(None))
        .values(email=_recipients.c.pending_email)
    )
    op.drop_index("ix_recipients_email", "recipients")
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table(
            "recipients", recreate="always", copy_from=_recipients_as_in("notify_0004")
        ) as table:
            table.drop_column("pending_email")
            table.alter_column("email", existing_type=sa.String(320), nullable=False)
            table.create_unique_constraint(_UNIQUE, ["email"])
        op.create_index("ux_recipients_person", "recipients", ["person_id"], unique=True)
    else:
        op.drop_column("recipients", "pending_email")
        op.alter_column("recipients", "email", existing_type=sa.String(320), nullable=False)
        op.create_unique_constraint("recipients_email_key", "recipients", ["email"])
