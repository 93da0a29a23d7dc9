"""registry_directory_0001 rolls back and applies again on both databases, leaving the other
branches alone, and the full text works after it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from ecbm_registry.application import commands
from ecbm_registry.application.directory.queries import SearchProgrammes
from ecbm_registry.bootstrap import SERVICE, bootstrap
from ecbm_runtime.db import normalise_url
from ecbm_runtime.migrations import alembic_config, upgrade

DIRECTORY_TABLES = {
    "programme_directory", "programme_directory_terms", "directory_organisations",
    "programme_quality_labels", "directory_state",
}  # fmt: skip


def _tables(database_url: str) -> set[str]:
    engine = create_engine(normalise_url(database_url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_directory_migration_rolls_back_and_applies_again(database_url: str) -> None:
    upgrade(SERVICE.migrations, database_url)
    command.downgrade(
        alembic_config(SERVICE.migrations, database_url), "registry_directory_0001@-1"
    )
    left = _tables(database_url)
    assert not DIRECTORY_TABLES & left and "programme_directory_fts" not in left
    assert {"programmes", "people"} <= left  # the other branches stay

    upgrade(SERVICE.migrations, database_url)

    assert _tables(database_url) >= DIRECTORY_TABLES
    app = bootstrap(SERVICE.load_settings(database_url=database_url))
    try:
        organisation = app.bus.handle(
            commands.RegisterOrganisation(
                display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
                contact_name="An Peeters", contact_email="an@example.org",
            )
        )  # fmt: skip
        app.bus.handle(
            commands.RegisterProgramme(
                organisation_id=organisation.id, display_name="Buddy Up Gent",
                languages=("nl",), countries=("BE",),
            )
        )  # fmt: skip
        [hit] = app.bus.handle(SearchProgrammes(query="buddy")).hits
        assert hit.display_name == "Buddy Up Gent"
    finally:
        app.engine.dispose()
