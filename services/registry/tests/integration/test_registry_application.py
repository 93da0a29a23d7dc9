"""Registry use cases against real SQLite and PostgreSQL databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ecbm_registry.adapters.programmes.read_models import programmes
from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.bootstrap import SERVICE, Registry
from ecbm_registry.domain.errors import OrganisationAlreadyRegistered, OrganisationNotFound
from ecbm_runtime.actor import Actor
from ecbm_runtime.tables import outbox

CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


def organisation(**changes: object) -> commands.RegisterOrganisation:
    fields: dict[str, object] = {
        "display_name": "Mentoring Lab",
        "kind": "mentoring_organisation",
        "country": "BE",
        "city": "Ghent",
        "contact_name": "An Peeters",
        "contact_email": "an@example.org",
    }
    return commands.RegisterOrganisation(**{**fields, **changes})


def programme(organisation_id: str, **changes: object) -> commands.RegisterProgramme:
    fields: dict[str, object] = {
        "actor": CENTER_EDITOR,
        "organisation_id": organisation_id,
        "display_name": "Buddy Up",
        "languages": ("nl", "en"),
        "countries": ("BE",),
    }
    return commands.RegisterProgramme(**{**fields, **changes})


def test_registered_programme_can_be_read_back(registry: Registry) -> None:
    org = registry.bus.handle(organisation())
    made = registry.bus.handle(programme(org.id))

    found = registry.bus.handle(queries.GetProgramme(programme_id=made.id))

    assert found.display_name == "Buddy Up"
    assert found.organisation_id == org.id
    assert found.version == 1


def test_registering_writes_integration_events_to_the_outbox(registry: Registry) -> None:
    org = registry.bus.handle(organisation())
    registry.bus.handle(programme(org.id))

    with registry.engine.connect() as connection:
        rows = connection.execute(select(outbox).order_by(outbox.c.id)).mappings().all()

    assert [row["routing_key"] for row in rows] == ["OrganisationRegistered", "ProgrammeRegistered"]
    assert {row["exchange"] for row in rows} == {"registry.events"}
    assert json.loads(rows[1]["body"])["organisation_id"] == org.id
    assert rows[0]["headers"]["event_id"] != rows[1]["headers"]["event_id"]


def test_same_name_in_same_country_is_already_registered(registry: Registry) -> None:
    first = registry.bus.handle(organisation())

    with pytest.raises(OrganisationAlreadyRegistered) as caught:
        registry.bus.handle(organisation(display_name="  mentoring   LAB "))

    assert caught.value.existing_name == f"organisations/{first.id}"


def test_a_retried_create_with_the_same_request_id_returns_the_first_result(
    registry: Registry,
) -> None:
    org = registry.bus.handle(organisation())

    first = registry.bus.handle(programme(org.id, request_id="req-1"))
    again = registry.bus.handle(programme(org.id, request_id="req-1"))

    assert again.id == first.id
    page = registry.bus.handle(queries.ListProgrammes())
    assert page.total_size == 1


def test_programme_of_unknown_organisation_is_not_found(registry: Registry) -> None:
    with pytest.raises(OrganisationNotFound):
        registry.bus.handle(programme("missing"))


def test_listing_pages_through_every_programme_once_and_filters_by_country(
    registry: Registry,
) -> None:
    org = registry.bus.handle(organisation())
    for number in range(7):
        countries = ("BE", "NL") if number % 2 else ("FR",)
        registry.bus.handle(programme(org.id, display_name=f"P{number}", countries=countries))

    seen, after = [], ""
    while True:
        page = registry.bus.handle(queries.ListProgrammes(page_size=3, after=after))
        seen += [p.display_name for p in page.programmes]
        if not page.next_after:
            break
        after = page.next_after
    dutch = registry.bus.handle(queries.ListProgrammes(country="nl"))

    assert seen == [f"P{n}" for n in range(7)]
    assert page.total_size == 7
    assert [p.display_name for p in dutch.programmes] == ["P1", "P3", "P5"]


def test_replay_rebuilds_the_read_models_from_the_event_store(
    registry: Registry, database_url: str
) -> None:
    org = registry.bus.handle(organisation())
    made = registry.bus.handle(programme(org.id, countries=("BE", "NL")))
    with registry.engine.begin() as connection:
        connection.execute(programmes.delete())

    replayed = SERVICE.replay(SERVICE.load_settings(database_url=database_url))  # type: ignore[misc]

    assert replayed == 2
    rebuilt = registry.bus.handle(queries.GetProgramme(programme_id=made.id))
    assert rebuilt.countries == ("BE", "NL")
    assert registry.bus.handle(queries.ListProgrammes(country="NL")).total_size == 1
