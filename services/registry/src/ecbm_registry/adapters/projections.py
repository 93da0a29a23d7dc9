"""Projections: domain events into the registry's read-model rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert

from ecbm_registry.adapters.read_models import organisations, programme_countries, programmes
from ecbm_registry.domain.organisation import OrganisationRegistered, normalised_name
from ecbm_registry.domain.programme import ProgrammeRegistered
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Projection


def entity_id_of(record: StoredEvent) -> str:
    return record.stream_id.split("-", 1)[1]


def on_organisation_registered(
    connection: Connection, event: OrganisationRegistered, record: StoredEvent
) -> None:
    connection.execute(
        insert(organisations).values(
            id=entity_id_of(record),
            display_name=event.display_name,
            normalised_name=normalised_name(event.display_name),
            kind=event.kind.value,
            country=event.country,
            city=event.city,
            website=event.website,
            contact_name=event.contact_name,
            contact_email=event.contact_email,
            description=event.description,
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )


def on_programme_registered(
    connection: Connection, event: ProgrammeRegistered, record: StoredEvent
) -> None:
    programme_id = entity_id_of(record)
    connection.execute(
        insert(programmes).values(
            id=programme_id,
            registered_position=record.position,
            organisation_id=event.organisation_id,
            display_name=event.display_name,
            description=event.description,
            languages=list(event.languages),
            countries=list(event.countries),
            status=event.status.value,
            **_profile(event),
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )
    connection.execute(
        insert(programme_countries),
        [{"programme_id": programme_id, "country": country} for country in set(event.countries)],
    )


def _profile(event: ProgrammeRegistered) -> dict[str, Any]:
    location = event.location
    return {
        "target_groups": list(event.target_groups),
        "formats": list(event.formats),
        "focus_areas": list(event.focus_areas),
        "age_min": event.age_min,
        "age_max": event.age_max,
        "mentors_per_year": event.mentors_per_year,
        "mentees_per_year": event.mentees_per_year,
        "matches_per_year": event.matches_per_year,
        "start_year": event.start_year,
        "regions": list(event.regions),
        "city": event.city,
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "location_matched": location.matched if location else None,
    }


PROJECTIONS: dict[type[DomainEvent], list[Projection]] = {
    OrganisationRegistered: [on_organisation_registered],
    ProgrammeRegistered: [on_programme_registered],
}
