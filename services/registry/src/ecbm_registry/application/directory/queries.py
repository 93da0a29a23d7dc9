"""Queries of the programme directory; bad filter values fail here, naming what is allowed."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from ecbm_registry.application.directory import levels
from ecbm_registry.domain.programme import EvaluationDesign, ProgrammeStatus
from ecbm_registry.domain.taxonomy import FocusArea, Format, TargetGroup
from ecbm_registry.domain.vocabulary import CountryCode

MAX_SELECTED = 50


def _quality_level(value: str) -> str:
    if value not in levels.QUALITY_LEVELS:
        allowed = ", ".join(levels.QUALITY_LEVELS)
        raise ValueError(f"{value!r} is not a quality level; allowed: {allowed}")
    return value


QualityLevelName = Annotated[str, AfterValidator(_quality_level)]
T = TypeVar("T")


def _unique(values: tuple[T, ...]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(values))


# Selected values of one facet: duplicates dropped, at most MAX_SELECTED.
Selection = Annotated[tuple[T, ...], AfterValidator(_unique), Field(max_length=MAX_SELECTED)]


class DirectoryFilter(BaseModel):
    """Which programmes: OR within a field, AND across fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    countries: Selection[CountryCode] = ()
    target_groups: Selection[TargetGroup] = ()
    formats: Selection[Format] = ()
    focus_areas: Selection[FocusArea] = ()
    evidence_levels: Selection[EvaluationDesign] = ()
    quality_levels: Selection[QualityLevelName] = ()
    status: ProgrammeStatus = ProgrammeStatus.ACTIVE

    @field_validator("status")
    @classmethod
    def _listed(cls, status: ProgrammeStatus) -> ProgrammeStatus:
        if status is ProgrammeStatus.WITHDRAWN:
            raise ValueError("withdrawn programmes are never in the directory; allowed: "
                             "active, paused, ended")  # fmt: skip
        return status

    def selections(self) -> dict[str, tuple[str, ...]]:
        """Facet field → selected values (as strings)."""
        return {
            "countries": self.countries,
            "target_groups": self.target_groups,
            "formats": self.formats,
            "focus_areas": self.focus_areas,
            "evidence_levels": tuple(level.value for level in self.evidence_levels),
            "quality_levels": self.quality_levels,
        }


class SearchProgrammes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    query: str = Field(default="", max_length=200)
    filter: DirectoryFilter = DirectoryFilter()
    page_size: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0)
    # The key of the search a page token was made for; None on the first page.
    page_key: str | None = None
    language: str = Field(default="en", max_length=35)

    def key(self) -> str:
        """What a page token must belong to: the query and filter, not the page."""
        content = json.dumps([self.query, self.filter.model_dump(mode="json")], sort_keys=True)
        return hashlib.sha256(content.encode()).hexdigest()[:16]


class GetMap(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    query: str = Field(default="", max_length=200)
    filter: DirectoryFilter = DirectoryFilter()
