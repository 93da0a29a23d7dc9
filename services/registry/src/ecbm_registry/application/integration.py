"""The registry's published language: domain events → integration events, in one place."""

from __future__ import annotations

from ecbm_integration import registry as published
from ecbm_registry.domain.organisation import OrganisationRegistered, OrganisationUpdated
from ecbm_registry.domain.programme import (
    ProgrammeRegistered,
    ProgrammeUpdated,
    ProgrammeWithdrawn,
)
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Translation


def organisation_registered(
    event: OrganisationRegistered, record: StoredEvent
) -> published.OrganisationRegistered:
    return published.OrganisationRegistered(
        organisation_id=record.entity_id,
        display_name=event.display_name,
        kind=event.kind.name,
        country=event.country,
        contact_name=event.contact_name,
        contact_email=event.contact_email,
        occurred_at=record.recorded_at,
    )


def programme_registered(
    event: ProgrammeRegistered, record: StoredEvent
) -> published.ProgrammeRegistered:
    return published.ProgrammeRegistered(
        programme_id=record.entity_id,
        organisation_id=event.organisation_id,
        display_name=event.display_name,
        countries=list(event.countries),
        languages=list(event.languages),
        occurred_at=record.recorded_at,
        target_groups=list(event.target_groups),
        formats=list(event.formats),
        focus_areas=list(event.focus_areas),
        age_min=event.age_min,
        age_max=event.age_max,
        start_year=event.start_year,
        regions=list(event.regions),
        latitude=event.location.latitude if event.location else None,
        longitude=event.location.longitude if event.location else None,
    )


def programme_updated(event: ProgrammeUpdated, record: StoredEvent) -> published.ProgrammeUpdated:
    return published.ProgrammeUpdated(
        programme_id=record.entity_id,
        updated_fields=list(event.fields),
        display_name=event.display_name,
        countries=list(event.countries) if event.countries is not None else None,
        languages=list(event.languages) if event.languages is not None else None,
        status=event.status.name if event.status is not None else None,
        occurred_at=record.recorded_at,
    )


def programme_withdrawn(
    event: ProgrammeWithdrawn, record: StoredEvent
) -> published.ProgrammeWithdrawn:
    return published.ProgrammeWithdrawn(
        programme_id=record.entity_id, reason=event.reason, occurred_at=record.recorded_at
    )


def organisation_updated(
    event: OrganisationUpdated, record: StoredEvent
) -> published.OrganisationUpdated:
    return published.OrganisationUpdated(
        organisation_id=record.entity_id,
        updated_fields=list(event.fields),
        display_name=event.display_name,
        contact_name=event.contact_name,
        contact_email=event.contact_email,
        occurred_at=record.recorded_at,
    )


INTEGRATION: dict[type, Translation] = {
    OrganisationRegistered: organisation_registered,
    ProgrammeRegistered: programme_registered,
    ProgrammeUpdated: programme_updated,
    ProgrammeWithdrawn: programme_withdrawn,
    OrganisationUpdated: organisation_updated,
}
