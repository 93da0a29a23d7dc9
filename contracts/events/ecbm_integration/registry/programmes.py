"""Registry integration events about organisations and programmes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ecbm_integration.fields import (
    CountryCode,
    DisplayName,
    Email,
    LanguageCode,
    OccurredAt,
    ResourceId,
)
from ecbm_integration.registry.base import RegistryEvent

TermId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]


class OrganisationRegistered(RegistryEvent):
    """An organisation was registered (resource organisations/{organisation_id})."""

    organisation_id: ResourceId = Field(
        description="Id of the organisation: organisations/{organisation_id}."
    )
    display_name: DisplayName = Field(description="Name of the organisation.")
    kind: str = Field(
        min_length=1,
        max_length=64,
        description="OrganisationKind value without its prefix, e.g. MENTORING_ORGANISATION.",
        examples=["MENTORING_ORGANISATION"],
    )
    country: CountryCode = Field(description="Country of the head office, ISO 3166-1 alpha-2.")
    contact_name: DisplayName = Field(description="Full name of the main contact person.")
    contact_email: Email = Field(description="E-mail address of the main contact person.")
    occurred_at: OccurredAt = Field(description="When the organisation was registered.")


class ProgrammeRegistered(RegistryEvent):
    """A programme was registered (resource programmes/{programme_id})."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: ResourceId = Field(
        description="Id of the organisation running it: organisations/{organisation_id}."
    )
    display_name: DisplayName = Field(description="Name of the programme.")
    countries: list[CountryCode] = Field(
        min_length=1, description="Countries it runs in, ISO 3166-1 alpha-2."
    )
    languages: list[LanguageCode] = Field(
        min_length=1, description="Languages it runs in, ISO 639-1."
    )
    occurred_at: OccurredAt = Field(description="When the programme was registered.")
    # Added 2026.11, optional: consumers must run this model before the registry publishes them.
    target_groups: list[TermId] = Field(
        default_factory=list, description="Term ids of the target-groups taxonomy."
    )
    formats: list[TermId] = Field(
        default_factory=list, description="Term ids of the formats taxonomy."
    )
    focus_areas: list[TermId] = Field(
        default_factory=list, description="Term ids of the focus-areas taxonomy."
    )
    age_min: int | None = Field(default=None, ge=0, le=120, description="Youngest age served.")
    age_max: int | None = Field(default=None, ge=0, le=120, description="Oldest age served.")
    start_year: int | None = Field(
        default=None, ge=1900, le=2100, description="Year the programme started."
    )
    regions: list[str] = Field(default_factory=list, description="Regions served, free text.")
    latitude: float | None = Field(
        default=None, ge=-90, le=90, description="Latitude of where it is based."
    )
    longitude: float | None = Field(
        default=None, ge=-180, le=180, description="Longitude of where it is based."
    )
