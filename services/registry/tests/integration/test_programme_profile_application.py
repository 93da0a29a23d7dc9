"""Programme profile through the bus on SQLite and PostgreSQL: read model and outbox."""

from __future__ import annotations

import json

from sqlalchemy import select

from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.bootstrap import Registry
from ecbm_runtime.actor import Actor
from ecbm_runtime.tables import outbox

CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


def organisation(registry: Registry) -> str:
    made = registry.bus.handle(
        commands.RegisterOrganisation(
            display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
            contact_name="An Peeters", contact_email="an@example.org",
        )
    )  # fmt: skip
    return str(made.id)


def register(registry: Registry, **changes: object) -> str:
    fields: dict[str, object] = {
        "organisation_id": organisation(registry),
        "display_name": "Buddy Up",
        "languages": ("nl",),
        "countries": ("BE",),
        "target_groups": ("youth", "migrants-refugees"),
        "formats": ("one-to-one",),
        "focus_areas": ("education",),
        "age_min": 12,
        "age_max": 18,
        "mentors_per_year": 40,
        "mentees_per_year": 45,
        "matches_per_year": 38,
        "start_year": 2019,
        "regions": ("Flanders",),
        "city": "Ghent",
    }
    values = {"actor": CENTER_EDITOR, **fields, **changes}
    made = registry.bus.handle(commands.RegisterProgramme.model_validate(values))
    return str(made.id)


def test_the_profile_is_read_back_with_the_location_derived_from_the_city(
    registry: Registry,
) -> None:
    found = registry.bus.handle(queries.GetProgramme(programme_id=register(registry)))

    assert found.target_groups == ("youth", "migrants-refugees")
    assert (found.age_min, found.age_max, found.start_year) == (12, 18, 2019)
    assert (found.mentors_per_year, found.mentees_per_year, found.matches_per_year) == (40, 45, 38)
    assert found.regions == ("Flanders",) and found.city == "Ghent"
    assert found.latitude is not None and found.location_matched.startswith("Gent, BE")


def test_a_given_location_wins_over_the_city(registry: Registry) -> None:
    found = registry.bus.handle(
        queries.GetProgramme(programme_id=register(registry, latitude=50.5, longitude=4.25))
    )

    assert (found.latitude, found.longitude, found.location_matched) == (50.5, 4.25, "")


def test_the_integration_event_carries_the_profile(registry: Registry) -> None:
    register(registry)

    with registry.engine.connect() as connection:
        body = connection.execute(
            select(outbox.c.body).where(outbox.c.routing_key == "ProgrammeRegistered")
        ).scalar_one()

    published = json.loads(body)
    assert published["target_groups"] == ["youth", "migrants-refugees"]
    assert published["age_min"] == 12 and published["latitude"] is not None
