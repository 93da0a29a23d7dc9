"""quality_0001 rolls back and applies again on both databases, and creates exactly the
tables (and columns) the service's read models declare."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from ecbm_quality.adapters.tables import metadata
from ecbm_quality.bootstrap import SERVICE
from ecbm_runtime.db import normalise_url
from ecbm_runtime.migrations import alembic_config, upgrade


def _columns(database_url: str) -> dict[str, set[str]]:
    engine = create_engine(normalise_url(database_url))
    try:
        found = inspect(engine)
        return {
            table: {column["name"] for column in found.get_columns(table)}
            for table in found.get_table_names()
            if table.startswith("quality_")
        }
    finally:
        engine.dispose()


def test_the_quality_migration_rolls_back_and_matches_the_tables(database_url: str) -> None:
    declared = {table.name: set(table.columns.keys()) for table in metadata.sorted_tables}
    upgrade(SERVICE.migrations, database_url)
    assert _columns(database_url) == declared

    command.downgrade(alembic_config(SERVICE.migrations, database_url), "quality@base")
    assert _columns(database_url) == {}

    upgrade(SERVICE.migrations, database_url)
    assert _columns(database_url) == declared
