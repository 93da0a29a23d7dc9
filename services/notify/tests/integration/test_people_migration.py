"""notify_0002 (recipients from people) can be rolled back and applied again, on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from ecbm_notify.bootstrap import SERVICE
from ecbm_runtime.db import normalise_url
from ecbm_runtime.migrations import alembic_config, upgrade


def _recipient_columns(database_url: str) -> set[str]:
    engine = create_engine(normalise_url(database_url))
    try:
        return {column["name"] for column in inspect(engine).get_columns("recipients")}
    finally:
        engine.dispose()


def test_the_people_migration_rolls_back_and_applies_again(database_url: str) -> None:
    upgrade(SERVICE.migrations, database_url)
    command.downgrade(alembic_config(SERVICE.migrations, database_url), "notify_0001")
    assert "person_id" not in _recipient_columns(database_url)

    upgrade(SERVICE.migrations, database_url)

    assert {"person_id", "preferred_language", "contact_by_email"} <= _recipient_columns(
        database_url
    )
