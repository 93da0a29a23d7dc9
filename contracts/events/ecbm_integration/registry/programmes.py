"""Registry integration events about organisations and programmes."""

from __future__ import annotations

from typing import Annotated, Literal

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
    # Added 2026.12, optional: later editors come as OrganisationEditorAdded.
    editors: list[str] = Field(
        default_factory=list,
        description="Its first editors (whoever registered it): person ids, never addresses.",
    )


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
    # Added 2026.11, optional: consumers on an older model ignore them (tolerant readers).
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


class ProgrammeUpdated(RegistryEvent):
    """Fields of a programme changed; the values of those consumers are likely to show."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    updated_fields: list[str] = Field(
        min_length=1, description='Names of the Programme fields that changed, e.g. ["city"].'
    )
    display_name: DisplayName | None = Field(default=None, description="New name, when it changed.")
    countries: list[CountryCode] | None = Field(
        default=None, description="New countries, when they changed."
    )
    languages: list[LanguageCode] | None = Field(
        default=None, description="New languages, when they changed."
    )
    status: str | None = Field(
        default=None,
        max_length=64,
        description="New ProgrammeStatus value without its prefix, when it changed, e.g. PAUSED.",
    )
    occurred_at: OccurredAt = Field(description="When the programme changed.")
    # Added 2026.12, optional: the profile fields matching and quality filter on.
    target_groups: list[TermId] | None = Field(
        default=None, description="New term ids of the target-groups taxonomy, when they changed."
    )
    formats: list[TermId] | None = Field(
        default=None, description="New term ids of the formats taxonomy, when they changed."
    )
    focus_areas: list[TermId] | None = Field(
        default=None, description="New term ids of the focus-areas taxonomy, when they changed."
    )
    age_min: int | None = Field(
        default=None, ge=0, le=120, description="New youngest age served, when it changed."
    )
    age_max: int | None = Field(
        default=None, ge=0, le=120, description="New oldest age served, when it changed."
    )
    start_year: int | None = Field(
        default=None, ge=1900, le=2100, description="New start year, when it changed."
    )
    regions: list[str] | None = Field(
        default=None, description="New regions served, free text, when they changed."
    )
    latitude: float | None = Field(
        default=None, ge=-90, le=90, description="New latitude, when the location changed."
    )
    longitude: float | None = Field(
        default=None, ge=-180, le=180, description="New longitude, when the location changed."
    )


class ProgrammeWithdrawn(RegistryEvent):
    """A programme was taken off the registry; it changes no more."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    reason: str = Field(default="", max_length=2000, description="Why, free text; may be empty.")
    occurred_at: OccurredAt = Field(description="When the programme was withdrawn.")


class OrganisationUpdated(RegistryEvent):
    """Fields of an organisation changed; the values of those consumers are likely to show."""

    organisation_id: ResourceId = Field(
        description="Id of the organisation: organisations/{organisation_id}."
    )
    updated_fields: list[str] = Field(
        min_length=1, description='Names of the changed fields, e.g. ["contact_email"].'
    )
    display_name: DisplayName | None = Field(default=None, description="New name, when it changed.")
    contact_name: DisplayName | None = Field(
        default=None, description="New main contact's name, when it changed."
    )
    contact_email: Email | None = Field(
        default=None, description="New main contact's e-mail address, when it changed."
    )
    occurred_at: OccurredAt = Field(description="When the organisation changed.")


class OrganisationWithdrawn(RegistryEvent):
    """An organisation was taken off the registry, none of its programmes active; final."""

    organisation_id: ResourceId = Field(
        description="Id of the organisation: organisations/{organisation_id}."
    )
    reason: str = Field(default="", max_length=2000, description="Why, free text; may be empty.")
    occurred_at: OccurredAt = Field(description="When the organisation was withdrawn.")


EvaluationDesign = Literal["NONE", "DESCRIPTIVE", "PRE_POST", "QUASI_EXPERIMENTAL", "RANDOMISED"]


class OrganisationEditorAdded(RegistryEvent):
    """A person may now change the organisation and its programmes."""

    organisation_id: ResourceId = Field(
        description="Id of the organisation: organisations/{organisation_id}."
    )
    person_id: str = Field(
        min_length=1,
        max_length=128,
        description="The new editor: a person id (people/{person_id}) or their sign-in subject.",
    )
    occurred_at: OccurredAt = Field(description="When the editor was added.")


class ProgrammeEvaluationAdded(RegistryEvent):
    """An evaluation of the programme was recorded (design, year, where to read it)."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    design: EvaluationDesign = Field(
        description="Design of the evaluation, weakest to strongest: NONE … RANDOMISED."
    )
    year: int = Field(ge=1900, le=2100, description="Year the evaluation was published.")
    link: str = Field(default="", max_length=2000, description="Where to read it; may be empty.")
    occurred_at: OccurredAt = Field(description="When the evaluation was recorded.")


class ProgrammeEvidenceLevelChanged(RegistryEvent):
    """The programme's evidence level (its strongest evaluation design) moved."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    previous: EvaluationDesign = Field(description="Evidence level before.")
    level: EvaluationDesign = Field(description="Evidence level now.")
    occurred_at: OccurredAt = Field(description="When the level changed.")


class ProgrammeLearningGoalDeclared(RegistryEvent):
    """A programme wants to learn about a topic: matching looks for people who know it."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    topic: TermId = Field(description="Term id in the vocabulary expertise-topics.")
    description: str = Field(
        default="", max_length=2000, description="What exactly it wants to learn, free text."
    )
    occurred_at: OccurredAt = Field(description="When it was declared (or redeclared).")
