"""Commands the registry accepts; their shape is validated when they are built."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl

from ecbm_registry.domain.organisation import OrganisationKind
from ecbm_registry.domain.programme import ProgrammeStatus
from ecbm_registry.domain.vocabulary import CountryCode, LanguageCode

Name = Field(min_length=1, max_length=200)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class RegisterOrganisation(Command):
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
    request_id: str = Field(default="", max_length=100)
    organisation_id: str = Field(min_length=1, max_length=64)
    display_name: str = Name
    description: str = Field(default="", max_length=10000)
    languages: tuple[LanguageCode, ...] = Field(min_length=1)
    countries: tuple[CountryCode, ...] = Field(min_length=1)
    status: ProgrammeStatus = ProgrammeStatus.ACTIVE
