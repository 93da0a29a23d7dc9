"""registry_directory_0001 (and 0002, 0003 above it) rolls back and applies again on both
databases, leaving the other branches alone, and the full text works after it; a database
migrated with programmes in it keeps working until replay fills the directory; labels held in
the four tiers move to the three steps."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, delete, inspect, text

from ecbm_registry.adapters.directory.read_models import programme_directory
from ecbm_registry.application.directory.queries import SearchProgrammes
from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.bootstrap import SERVICE, bootstrap, load_settings
from ecbm_runtime.actor import Actor
from ecbm_runtime.db import normalise_url
from ecbm_runtime.migrations import alembic_config, upgrade

CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))

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
        alembic_config(SERVICE.migrations, database_url), "registry_directory_0003@-3"
    )
    left = _tables(database_url)
    assert not DIRECTORY_TABLES & left and "programme_directory_fts" not in left
    assert {"programmes", "people"} <= left  # the other branches stay

    upgrade(SERVICE.migrations, database_url)

    assert _tables(database_url) >= DIRECTORY_TABLES
    app = bootstrap(load_settings(database_url=database_url))
    try:
        organisation = app.bus.handle(
            commands.RegisterOrganisation(
                display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
                contact_name="An Peeters", contact_email="an@example.org",
            )
        )  # fmt: skip
        app.bus.handle(
            commands.RegisterProgramme(
                actor=CENTER_EDITOR, organisation_id=organisation, display_name="Buddy Up Gent",
                languages=("nl",), countries=("BE",),
            )
        )  # fmt: skip
        [hit] = app.bus.handle(SearchProgrammes(query="buddy")).hits
        assert hit.display_name == "Buddy Up Gent"
    finally:
        app.engine.dispose()


def test_changing_a_programme_the_directory_does_not_hold_yet_succeeds(
    database_url: str,
) -> None:
    """A programme registered before the directory existed (not replayed yet) still changes."""
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(load_settings(database_url=database_url))
    try:
        organisation = app.bus.handle(
            commands.RegisterOrganisation(
                display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
                contact_name="An Peeters", contact_email="an@example.org",
            )
        )  # fmt: skip
        programme = app.bus.handle(
            commands.RegisterProgramme(
                actor=CENTER_EDITOR, organisation_id=organisation, display_name="Buddy Up Gent",
                languages=("nl",), countries=("BE",),
            )
        )  # fmt: skip
        with app.engine.begin() as connection:
            connection.execute(delete(programme_directory))

        changed = app.bus.handle(
            commands.UpdateProgramme.model_validate(
                {"actor": Actor(subject="e", roles=frozenset({"editor"})),
                 "programme_id": programme, "expected_version": 1,
                 "programme": {"display_name": "Maatjes Gent"}}
            )
        )  # fmt: skip

        assert changed == programme
        read = app.bus.handle(queries.GetProgramme(programme_id=programme))
        assert read.display_name == "Maatjes Gent"
        assert app.bus.handle(SearchProgrammes(query="maatjes")).total_size == 0
    finally:
        app.engine.dispose()


def test_labels_held_in_the_four_tiers_move_to_the_three_steps(database_url: str) -> None:
    config = alembic_config(SERVICE.migrations, database_url)
    command.upgrade(config, "registry_directory_0001")
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.begin() as connection:
            for programme, level in (("p1", "level-1"), ("p2", "level-3"), ("p3", "affiliated")):
                connection.execute(
                    text(
                        "INSERT INTO programme_quality_labels (programme_id, level, occurred_at) "
                        "VALUES (:p, :l, CURRENT_TIMESTAMP)"
                    ),
                    {"p": programme, "l": level},
                )
        upgrade(SERVICE.migrations, database_url)
        with engine.connect() as connection:
            held: dict[str, str] = dict(
                connection.execute(text("SELECT programme_id, level FROM programme_quality_labels"))
                .tuples()
                .all()
            )
    finally:
        engine.dispose()
    assert held == {"p1": "accredited", "p2": "distinction", "p3": "affiliated"}
