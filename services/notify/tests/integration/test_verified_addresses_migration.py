"""notify_0004 (verified addresses): people's existing addresses wait for verification and
are sent a link; contacts keep theirs; it rolls back and applies again, on both databases."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, create_engine, insert, select

from ecbm_notify.adapters.read_models import deliveries, recipients
from ecbm_notify.bootstrap import SERVICE
from ecbm_runtime.db import normalise_url
from ecbm_runtime.migrations import alembic_config, upgrade

# The table as notify_0003 left it (no pending_email).
OLD_RECIPIENTS = sa.table(
    "recipients",
    *(sa.column(name) for name in ("id", "email", "display_name", "person_id",
                                   "contact_by_email")),
)  # fmt: skip
OLD_ROWS: list[dict[str, Any]] = [
    {"id": "r-maria", "email": "maria@example.org", "display_name": "Maria",
     "person_id": "p1", "contact_by_email": True},
    {"id": "r-jan", "email": "jan@example.org", "display_name": "Jan",
     "person_id": "p2", "contact_by_email": False},
    {"id": "r-contact", "email": "an@example.org", "display_name": "An",
     "person_id": None, "contact_by_email": None},
]  # fmt: skip


def _addresses(engine: Engine) -> dict[str, tuple[str | None, str | None]]:
    with engine.connect() as connection:
        found = connection.execute(
            select(recipients.c.id, recipients.c.email, recipients.c.pending_email)
        )
        return {row.id: (row.email, row.pending_email) for row in found}


def _old_addresses(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        found = connection.execute(select(OLD_RECIPIENTS.c.id, OLD_RECIPIENTS.c.email))
        return {row.id: row.email for row in found}


def test_people_must_verify_their_existing_addresses_and_the_migration_reverts(
    database_url: str,
) -> None:
    config = alembic_config(SERVICE.migrations, database_url)
    upgrade(SERVICE.migrations, database_url)
    command.downgrade(config, "notify_0003")
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.begin() as connection:
            connection.execute(insert(OLD_RECIPIENTS), OLD_ROWS)

        upgrade(SERVICE.migrations, database_url)

        assert _addresses(engine) == {
            "r-maria": (None, "maria@example.org"),
            "r-jan": (None, "jan@example.org"),
            "r-contact": ("an@example.org", None),
        }
        with engine.connect() as connection:
            queued = connection.execute(
                select(deliveries.c.recipient_id, deliveries.c.notification_type,
                       deliveries.c.status, deliveries.c.payload)
            ).all()  # fmt: skip
        assert [(r.recipient_id, r.notification_type, r.status) for r in queued] == [
            ("r-maria", "email_verification", "queued")  # Jan refuses e-mail: no link
        ]
        assert json.loads(queued[0].payload) == {"address": "maria@example.org"}
        with engine.begin() as connection:  # two people may give one address now
            connection.execute(insert(recipients).values(
                id="r-other", email="an@example.org", display_name="Other", person_id="p3",
            ))  # fmt: skip
            connection.execute(recipients.delete().where(recipients.c.id == "r-other"))

        command.downgrade(config, "notify_0003")
        assert _old_addresses(engine) == {row["id"]: row["email"] for row in OLD_ROWS}

        upgrade(SERVICE.migrations, database_url)
        assert _addresses(engine)["r-maria"] == (None, "maria@example.org")
    finally:
        engine.dispose()
