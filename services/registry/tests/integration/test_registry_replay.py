"""Replay rebuilds exactly the read-model rows the live projections wrote, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from ecbm_registry.adapters.directory.projections import record_quality_level
from ecbm_registry.application.programmes import commands
from ecbm_registry.bootstrap import WIRED, Registry
from ecbm_runtime.actor import Actor
from ecbm_runtime.projections import replay

EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))
# What COPY's text format must escape: tab, newline, backslash, its NULL marker.
COPY_SPECIALS = 'Mentorat\tà distance\n\\N, \\\\ et "citations"'


def contents(connection: Connection, table: Table) -> list[dict[str, Any]]:
    ordered = select(table).order_by(*table.primary_key.columns)
    return [dict(row) for row in connection.execute(ordered).mappings()]


def history(registry: Registry) -> None:
    """Registrations interleaved with changes of what they registered, over two organisations."""
    handle = registry.bus.handle
    first = handle(commands.RegisterOrganisation(
        display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
        city="Ghent", contact_name="An Peeters", contact_email="an@example.org",
    ))  # fmt: skip
    plain = handle(commands.RegisterProgramme(
        actor=EDITOR, organisation_id=first.id, display_name="Buddy Up",
        languages=("nl", "en"), countries=("BE", "NL", "BE"),
    ))  # fmt: skip
    second = handle(commands.RegisterOrganisation(
        display_name="Élan Mentorat", kind="mentoring_organisation", country="FR",
        contact_name="Luc Martin", contact_email="luc@example.org", description="Lyon",
    ))  # fmt: skip
    profiled = handle(commands.RegisterProgramme(
        actor=EDITOR, organisation_id=second.id, display_name="Pairs Éloignés",
        description=COPY_SPECIALS, languages=("fr",), countries=("FR", "BE"),
        target_groups=("youth", "students"), formats=("group",), focus_areas=("education",),
        age_min=14, age_max=25, mentors_per_year=40, start_year=2019, regions=("Rhône",),
        city="Lyon", latitude=45.76, longitude=4.84, external_id="import-7",
    ))  # fmt: skip
    handle(commands.AddEvaluation(
        actor=EDITOR, programme_id=profiled.id,
        evaluation=commands.EvaluationInput(design="pre_post", year=2022),
    ))  # fmt: skip
    handle(commands.DeclareProgrammeLearningGoal(
        actor=EDITOR, programme_id=plain.id,
        learning_goal=commands.ProgrammeLearningGoalInput(topic="matching", description="x"),
    ))  # fmt: skip
    handle(commands.UpdateProgramme(
        actor=EDITOR, programme_id=plain.id, expected_version=2,
        programme=commands.ProgrammeChanges(
            display_name="Buddy Up!", countries=("LU",),
        ),
    ))  # fmt: skip
    handle(commands.UpdateOrganisation(
        actor=EDITOR, organisation_id=first.id, expected_version=1,
        organisation=commands.OrganisationChanges(display_name="Mentoring Lab Gent"),
    ))  # fmt: skip
    for number in range(5):
        handle(commands.RegisterProgramme(
            actor=EDITOR, organisation_id=(first, second)[number % 2].id,
            display_name=f"Wave {number}", languages=("en",), countries=("DE",),
            target_groups=("youth",),
        ))  # fmt: skip
    handle(commands.WithdrawProgramme(actor=EDITOR, programme_id=plain.id))
    with registry.engine.begin() as connection:  # from the quality service; replay keeps it
        record_quality_level(connection, profiled.id, "distinction", datetime.now(UTC))


def test_replay_writes_the_rows_the_live_projections_wrote(registry: Registry) -> None:
    history(registry)
    tables = WIRED.read_model_tables
    with registry.engine.connect() as connection:
        live = {table.name: contents(connection, table) for table in tables}

    # Rows held back until an ordinary projection or a read needs them (a registration
    # reads its organisation's name), then held back at most 4 at a time over store reads
    # of 3 events: written in bulk many times, at every kind of boundary.
    for pending_rows in (10_000, 4):
        replayed = replay(registry.engine, registry.wiring, tables, 3, pending_rows)

        with registry.engine.connect() as connection:
            rebuilt = {table.name: contents(connection, table) for table in tables}
        assert replayed >= 15
        assert live["programme_directory"] and live["programmes"] and live["organisations"]
        assert "distinction" in {row["quality_level"] for row in live["programme_directory"]}
        for name, rows in live.items():
            assert rebuilt[name] == rows, (name, pending_rows)
