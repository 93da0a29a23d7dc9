"""Queries the registry answers from its read models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ecbm_registry.domain.programme import EvaluationDesign, ProgrammeStatus
from ecbm_registry.domain.vocabulary import CountryCode


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GetOrganisation(Query):
    organisation_id: str = Field(min_length=1)


class GetProgramme(Query):
    programme_id: str = Field(min_length=1)


class GetProgrammeHistory(Query):
    programme_id: str = Field(min_length=1)
    page_size: int = Field(default=50, ge=1, le=500)
    after_version: int = Field(default=0, ge=0)


class ListProgrammes(Query):
    page_size: int = Field(default=50, ge=1, le=500)
    after: str = ""  # the sort key of the last programme of the previous page
    organisation_id: str | None = None
    country: CountryCode | None = None
    status: ProgrammeStatus | None = None
    min_evidence_level: EvaluationDesign | None = None  # at least this strong
    external_id: str | None = Field(default=None, max_length=100)
