"""notify_0003 (preferences and the delivery log) rolls back and applies again, on both
databases, leaving the tables before it alone."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from ecbm_notify.bootstrap import SERVICE
from ecbm_runtime.db import normalise_url
from ecbm_runtime.migrations import alembic_config, upgrade

EMAIL_TABLES = {"preferences", "deliveries", "delivery_history"}


def _tables(database_url: str) -> set[str]:
    engine = create_engine(normalise_url(database_url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_email_migration_rolls_back_and_applies_again(database_url: str) -> None:
    upgrade(SERVICE.migrations, database_url)
    assert _tables(database_url) >= EMAIL_TABLES

    command.downgrade(alembic_config(SERVICE.migrations, database_url), "notify_0003-1")
    tables = _tables(database_url)
    assert not EMAIL_TABLES & tables
    assert {"recipients", "notifications", "forgotten_people"} <= tables

    upgrade(SERVICE.migrations, database_url)
    assert _tables(database_url) >= EMAIL_TABLES
