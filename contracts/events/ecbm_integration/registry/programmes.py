"""Registry integration events about organisations and programmes."""

from __future__ import annotations

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
