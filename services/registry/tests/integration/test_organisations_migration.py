"""registry_organisations_0001 rolls back and applies again on both databases; organisations
registered before it come back active, and can then be listed and withdrawn."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.bootstrap import SERVICE, bootstrap, load_settings
from ecbm_runtime.actor import Actor
from ecbm_runtime.db import normalise_url
from ecbm_runtime.migrations import alembic_config, upgrade


def _organisation_columns_and_indexes(database_url: str) -> tuple[set[str], set[str]]:
    engine = create_engine(normalise_url(database_url))
    try:
        inspector = inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("organisations")}
        indexes = {str(i["name"]) for i in inspector.get_indexes("organisations")}
        return columns, indexes
    finally:
        engine.dispose()


def test_rows_from_before_the_migration_are_active_after_it(database_url: str) -> None:
    upgrade(SERVICE.migrations, database_url)
    command.downgrade(
        alembic_config(SERVICE.migrations, database_url), "registry_organisations_0001@-1"
    )
    columns, indexes = _organisation_columns_and_indexes(database_url)
    assert "status" not in columns and "ix_organisations_country_name" not in indexes
    engine = create_engine(normalise_url(database_url))
    with engine.begin() as connection:  # a row as projected before the migration
        connection.exec_driver_sql(
            "INSERT INTO organisations (id, display_name, normalised_name, kind, country, city,"
            " website, contact_name, contact_email, description, version, create_time,"
            " update_time) VALUES ('old-1', 'Old Lab', 'old lab', 'funder', 'BE', '', '',"
            " 'An', 'an@example.org', '', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    engine.dispose()

    upgrade(SERVICE.migrations, database_url)

    columns, indexes = _organisation_columns_and_indexes(database_url)
    assert "status" in columns and "ix_organisations_country_name" in indexes
    app = bootstrap(load_settings(database_url=database_url))
    try:
        [old] = app.bus.handle(queries.ListOrganisations(country="BE")).organisations
        assert (old.id, old.status) == ("old-1", "active")
        editor = Actor(subject="editor-1", roles=frozenset({"editor"}))
        made = app.bus.handle(
            commands.RegisterOrganisation(
                display_name="New Lab", kind="funder", country="BE",  # type: ignore[arg-type]
                contact_name="An Peeters", contact_email="an@example.org",
            )
        )  # fmt: skip
        app.bus.handle(commands.WithdrawOrganisation(actor=editor, organisation_id=made))
        listed = app.bus.handle(queries.ListOrganisations(show_withdrawn=True))
        assert [(o.display_name, o.status) for o in listed.organisations] == [
            ("New Lab", "withdrawn"), ("Old Lab", "active"),
        ]  # fmt: skip
    finally:
        app.engine.dispose()
