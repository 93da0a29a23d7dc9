"""Importing programmes through the bus (SQLite, PostgreSQL): outcomes, idempotency, whole rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ecbm_registry.adapters.programmes.read_models import organisations, programmes
from ecbm_registry.application.imports.commands import ImportProgrammes, ProgrammeRowInput
from ecbm_registry.application.imports.handlers import ImportedBatch, Outcome
from ecbm_registry.application.programmes import queries
from ecbm_registry.bootstrap import Registry
from ecbm_runtime.tables import events


def row(number: int, **changes: Any) -> ProgrammeRowInput:
    fields: dict[str, Any] = {
        "external_id": f"ext-{number}",
        "organisation_name": "Ghent Mentoring Lab",
        "organisation_country": "BE",
        "organisation_kind": "mentoring_organisation",
        "contact_name": "An Peeters",
        "contact_email": "an@example.org",
        "display_name": f"Buddy Up {number}",
        "languages": ["nl", "en"],
        "countries": ["BE"],
        "target_groups": ["youth"],
        "formats": ["one-to-one"],
        "age_min": 12,
        "age_max": 18,
        "start_year": 2019,
        "city": "Ghent",
        "latitude": 51.05,
        "longitude": 3.72,
        "learning_goals": [],
        "evaluations": [],
    }
    return ProgrammeRowInput(row=number, fields={**fields, **changes})


def run(registry: Registry, *rows: ProgrammeRowInput, dry_run: bool = False) -> ImportedBatch:
    result = registry.bus.handle(ImportProgrammes(rows=rows, dry_run=dry_run))
    assert isinstance(result, ImportedBatch)
    return result


def count(registry: Registry, table: Any) -> int:
    with registry.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_rows_are_created_with_their_organisation_once_and_read_back(registry: Registry) -> None:
    result = run(registry, row(2), row(3, evaluations=[{"design": "pre_post", "year": 2021}]))

    assert [o.outcome for o in result.outcomes] == [Outcome.CREATED, Outcome.CREATED]
    assert result.organisations_created == 1 and count(registry, organisations) == 1
    found = registry.bus.handle(queries.GetProgramme(programme_id=result.outcomes[1].programme_id))
    assert found.display_name == "Buddy Up 3" and found.evidence_level == "pre_post"
    assert (found.age_min, found.age_max, found.latitude) == (12, 18, 51.05)


def test_importing_the_same_rows_again_changes_nothing(registry: Registry) -> None:
    rows = (row(2, learning_goals=["funding", "matching"]), row(3, evaluations=[
        {"design": "randomised", "year": 2024, "link": "https://example.org/trial"}]))  # fmt: skip
    run(registry, *rows)
    events_before = count(registry, events)

    again = run(registry, *rows)

    assert [o.outcome for o in again.outcomes] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert again.organisations_created == 0
    assert count(registry, events) == events_before
    assert count(registry, programmes) == 2


def test_a_changed_row_updates_its_programme_and_keeps_its_id(registry: Registry) -> None:
    (created,) = run(registry, row(2)).outcomes

    (updated,) = run(registry, row(2, display_name="Buddy Up Ghent", age_max=21)).outcomes

    assert updated.outcome is Outcome.UPDATED and updated.programme_id == created.programme_id
    found = registry.bus.handle(queries.GetProgramme(programme_id=created.programme_id))
    assert (found.display_name, found.age_max, found.version) == ("Buddy Up Ghent", 21, 2)


def test_bad_rows_are_reported_by_field_and_the_good_ones_imported(registry: Registry) -> None:
    result = run(
        registry,
        row(2),
        row(3, countries=["XX"], target_groups=["aliens"]),
        row(4, age_min=30, age_max=10),
        row(5, external_id=""),
        row(6, organisation_name="New Org", organisation_kind="", contact_email="nope"),
        row(7, evaluations=[{"design": "gut_feeling", "year": 2020}]),
        row(8, learning_goals=["astrology"]),
        row(10, external_id="ext-2", display_name="the same key twice"),
        row(9, organisation_name="", organisation_country=""),
    )

    outcomes = {o.row: o for o in result.outcomes}
    assert outcomes[2].outcome is Outcome.CREATED
    invalid = {n: sorted(v.field for v in o.violations) for n, o in outcomes.items() if n != 2}
    assert all(o.outcome is Outcome.INVALID for n, o in outcomes.items() if n != 2)
    assert invalid[3] == ["countries", "countries[0]", "target_groups[0]"]
    assert invalid[4] == ["age_max"]
    assert invalid[5] == ["external_id"]
    assert invalid[6] == ["contact_email", "organisation_kind"]
    assert invalid[7] == ["evaluations[0].design"]
    assert invalid[8] == ["learning_goals[0].topic"]
    assert invalid[10] == ["external_id"]
    assert "row 2" in outcomes[10].violations[0].description
    assert invalid[9] == ["organisation"]
    assert count(registry, programmes) == 1 and count(registry, organisations) == 1


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(registry: Registry) -> None:
    result = run(registry, row(2), row(3, countries=["XX"]), dry_run=True)

    assert [o.outcome for o in result.outcomes] == [Outcome.CREATED, Outcome.INVALID]
    assert count(registry, events) == 0 and count(registry, programmes) == 0


def test_a_row_of_a_withdrawn_programme_is_invalid_and_writes_nothing(registry: Registry) -> None:
    from ecbm_registry.application.programmes import commands

    (created,) = run(registry, row(2)).outcomes
    registry.bus.handle(
        commands.WithdrawProgramme(
            actor={"subject": "x", "roles": ["editor"]}, programme_id=created.programme_id
        )
    )
    events_before = count(registry, events)

    again = row(2, display_name="Back again", learning_goals=["evaluation"])
    (outcome,) = run(registry, again).outcomes

    assert outcome.outcome is Outcome.INVALID and "withdrawn" in outcome.violations[0].description
    assert count(registry, events) == events_before


def test_a_programme_does_not_move_to_another_organisation(registry: Registry) -> None:
    run(registry, row(2))

    (moved,) = run(registry, row(2, organisation_name="Other Lab")).outcomes

    assert moved.outcome is Outcome.INVALID
    assert [v.field for v in moved.violations] == ["organisation"]
    assert count(registry, organisations) == 1


def test_an_existing_organisation_is_named_by_its_resource_name(
    registry: Registry, organisation_id: str
) -> None:
    (outcome,) = run(
        registry, row(2, organisation=f"organisations/{organisation_id}", organisation_name="")
    ).outcomes

    found = registry.bus.handle(queries.GetProgramme(programme_id=outcome.programme_id))
    assert found.organisation_id == organisation_id
    (missing,) = run(registry, row(3, organisation="organisations/nothing")).outcomes
    assert missing.outcome is Outcome.INVALID
