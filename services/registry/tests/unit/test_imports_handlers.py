"""The import handler on in-memory records: rows created, updated, unchanged or invalid."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import InMemoryRegistry

from ecbm_registry.application.imports.commands import ImportProgrammes, ProgrammeRowInput
from ecbm_registry.application.imports.handlers import ImportedBatch, Outcome
from ecbm_runtime.actor import Actor

INTEGRATOR = Actor(subject="importer", roles=frozenset({"integrator"}))


def row(number: int, **fields: Any) -> ProgrammeRowInput:
    values = {
        "external_id": f"ext-{number}", "display_name": f"Programme {number}",
        "languages": ["nl"], "countries": ["BE"], "organisation_name": "Mentoring Lab",
        "organisation_country": "BE", "organisation_kind": "mentoring_organisation",
        "contact_name": "An Peeters", "contact_email": "an@example.org",
    }  # fmt: skip
    return ProgrammeRowInput(row=number, fields={**values, **fields})


def imported(registry: InMemoryRegistry, *rows: ProgrammeRowInput, dry_run: bool = False) -> Any:
    batch = registry.handle(ImportProgrammes(actor=INTEGRATOR, rows=rows, dry_run=dry_run))
    assert isinstance(batch, ImportedBatch)
    return batch


@pytest.fixture
def registry() -> InMemoryRegistry:
    return InMemoryRegistry()


def test_new_rows_register_their_organisation_once_and_their_programmes(
    registry: InMemoryRegistry,
) -> None:
    batch = imported(registry, row(1), row(2))

    assert [o.outcome for o in batch.outcomes] == [Outcome.CREATED, Outcome.CREATED]
    assert batch.organisations_created == 1
    assert len(registry.published("OrganisationRegistered")) == 1
    assert len(registry.published("ProgrammeRegistered")) == 2


def test_a_dry_run_writes_nothing(registry: InMemoryRegistry) -> None:
    batch = imported(registry, row(1), dry_run=True)

    assert batch.outcomes[0].outcome is Outcome.CREATED
    assert registry.records.events == []
    assert registry.records.outbox == []


def test_a_known_external_id_updates_its_programme_or_leaves_it_unchanged(
    registry: InMemoryRegistry,
) -> None:
    organisation_id = "org-1"
    registry.views.programmes.add_organisation(organisation_id)
    (created,) = imported(registry, row(1, organisation=organisation_id)).outcomes
    registry.views.imports.external_ids["ext-1"] = created.programme_id

    unchanged = imported(registry, row(1, organisation=organisation_id)).outcomes[0]
    updated = imported(registry, row(1, organisation=organisation_id, display_name="New")).outcomes

    assert unchanged.outcome is Outcome.UNCHANGED
    assert updated[0].outcome is Outcome.UPDATED
    assert registry.event_types(f"programme-{created.programme_id}") == [
        "ProgrammeRegistered",
        "ProgrammeUpdated",
    ]


def test_invalid_rows_and_rows_of_a_withdrawn_organisation_fail_alone(
    registry: InMemoryRegistry,
) -> None:
    registry.views.programmes.add_organisation("gone", display_name="Old Lab", status="withdrawn")

    batch = imported(
        registry, row(1, languages=[]), row(2, organisation="gone"), row(3), row(4, external_id="")
    )

    assert [o.outcome for o in batch.outcomes] == [
        Outcome.INVALID, Outcome.INVALID, Outcome.CREATED, Outcome.INVALID,
    ]  # fmt: skip
    assert batch.outcomes[1].violations[0].field == "organisation"
    assert len(registry.published("ProgrammeRegistered")) == 1
