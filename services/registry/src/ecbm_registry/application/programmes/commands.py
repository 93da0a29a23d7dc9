"""Commands the registry accepts; their shape is validated when they are built."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
)

from ecbm_registry.domain.organisation import OrganisationKind
from ecbm_registry.domain.programme import EvaluationDesign, ProgrammeStatus
from ecbm_registry.domain.taxonomy import ExpertiseTopic, FocusArea, Format, TargetGroup
from ecbm_registry.domain.vocabulary import CountryCode, LanguageCode
from ecbm_runtime.actor import Actor

Name = Field(min_length=1, max_length=200)
YearlyCount = Annotated[int, Field(ge=0, le=10_000_000)]
Region = Annotated[str, Field(min_length=1, max_length=200)]


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class RegisterOrganisation(Command):
    actor: Actor = Actor()  # a registering member becomes its first editor
    request_id: str = Field(default="", max_length=100)
    display_name: str = Name
    kind: OrganisationKind
    country: CountryCode
    city: str = Field(default="", max_length=200)
    website: HttpUrl | None = None
    contact_name: str = Name
    contact_email: EmailStr
    description: str = Field(default="", max_length=5000)


class RegisterProgramme(Command):
    actor: Actor = Actor()  # must edit the organisation (or be a Center editor)
    request_id: str = Field(default="", max_length=100)
    external_id: str = Field(default="", max_length=100)  # the importer's key (registry-import)
    organisation_id: str = Field(min_length=1, max_length=64)
    display_name: str = Name
    description: str = Field(default="", max_length=10000)
    languages: tuple[LanguageCode, ...] = Field(min_length=1)
    countries: tuple[CountryCode, ...] = Field(min_length=1)
    status: ProgrammeStatus = ProgrammeStatus.ACTIVE
    target_groups: tuple[TargetGroup, ...] = ()
    formats: tuple[Format, ...] = ()
    focus_areas: tuple[FocusArea, ...] = ()
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    mentors_per_year: YearlyCount | None = None
    mentees_per_year: YearlyCount | None = None
    matches_per_year: YearlyCount | None = None
    start_year: int | None = Field(default=None, ge=1900, le=2100)
    regions: tuple[Region, ...] = Field(default=(), max_length=50)
    city: str = Field(default="", max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180, validate_default=True)

    @field_validator("external_id")
    @classmethod
    def _storable(cls, value: str) -> str:
        if "\x00" in value:  # PostgreSQL text holds no NUL; the key is looked up and stored
            raise ValueError("must not contain NUL characters")
        return value

    @field_validator("status")
    @classmethod
    def _not_withdrawn(cls, value: ProgrammeStatus) -> ProgrammeStatus:
        if value is ProgrammeStatus.WITHDRAWN:
            raise ValueError("a programme cannot be registered withdrawn")
        return value

    @field_validator("age_max")
    @classmethod
    def _not_below_age_min(cls, value: int | None, info: ValidationInfo) -> int | None:
        age_min = info.data.get("age_min")
        if value is not None and age_min is not None and value < age_min:
            raise ValueError(f"must be at least age_min ({age_min})")
        return value

    @field_validator("longitude")
    @classmethod
    def _with_latitude(cls, value: float | None, info: ValidationInfo) -> float | None:
        if (value is None) != (info.data.get("latitude") is None):
            raise ValueError("give latitude and longitude together, or neither")
        return value


class ProgrammeChanges(Command):
    """New values of a programme's fields; only those set (the update mask's) change."""

    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10000)
    languages: tuple[LanguageCode, ...] | None = Field(default=None, min_length=1)
    countries: tuple[CountryCode, ...] | None = Field(default=None, min_length=1)
    status: ProgrammeStatus | None = None
    target_groups: tuple[TargetGroup, ...] | None = None
    formats: tuple[Format, ...] | None = None
    focus_areas: tuple[FocusArea, ...] | None = None
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    mentors_per_year: YearlyCount | None = None
    mentees_per_year: YearlyCount | None = None
    matches_per_year: YearlyCount | None = None
    start_year: int | None = Field(default=None, ge=1900, le=2100)
    regions: tuple[Region, ...] | None = Field(default=None, max_length=50)
    city: str | None = Field(default=None, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    derive_location: bool = False  # set the location from the (new) city

    @field_validator("longitude")
    @classmethod
    def _with_latitude(cls, value: float | None, info: ValidationInfo) -> float | None:
        if (value is None) != (info.data.get("latitude") is None):
            raise ValueError("give latitude and longitude together, or neither")
        return value


class UpdateProgramme(Command):
    actor: Actor = Actor()
    programme_id: str = Field(min_length=1, max_length=64)
    expected_version: int = Field(ge=1)  # the version the caller read
    programme: ProgrammeChanges


class EvaluationInput(Command):
    design: EvaluationDesign
    year: int = Field(ge=1950, le=2100)
    link: HttpUrl | None = None


class AddEvaluation(Command):
    actor: Actor = Actor()
    programme_id: str = Field(min_length=1, max_length=64)
    evaluation: EvaluationInput


class ProgrammeLearningGoalInput(Command):
    topic: ExpertiseTopic
    description: str = Field(default="", max_length=2000)


class DeclareProgrammeLearningGoal(Command):
    actor: Actor = Actor()
    programme_id: str = Field(min_length=1, max_length=64)
    learning_goal: ProgrammeLearningGoalInput


class WithdrawProgramme(Command):
    actor: Actor = Actor()
    programme_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=2000)


class OrganisationChanges(Command):
    """New values of an organisation's fields; only those set (the update mask's) change."""

    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: OrganisationKind | None = None
    city: str | None = Field(default=None, max_length=200)
    website: HttpUrl | None = None
    contact_name: str | None = Field(default=None, min_length=1, max_length=200)
    contact_email: EmailStr | None = None
    description: str | None = Field(default=None, max_length=5000)


class AddOrganisationEditor(Command):
    actor: Actor = Actor()
    organisation_id: str = Field(min_length=1, max_length=64)
    person_id: str = Field(min_length=1, max_length=128)


class UpdateOrganisation(Command):
    actor: Actor = Actor()
    organisation_id: str = Field(min_length=1, max_length=64)
    expected_version: int = Field(ge=1)
    organisation: OrganisationChanges


class WithdrawOrganisation(Command):
    actor: Actor = Actor()
    organisation_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=2000)
