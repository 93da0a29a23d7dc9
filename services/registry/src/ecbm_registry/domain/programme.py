"""Mentoring programmes: what an organisation runs, for whom, where."""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.aggregate import Aggregate, DomainEvent


class ProgrammeStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class Location(BaseModel):
    """A point; ``matched`` says which place it was derived from ("" when given directly)."""

    model_config = ConfigDict(frozen=True)

    latitude: float
    longitude: float
    matched: str = ""


class ProgrammeRegistered(DomainEvent):
    organisation_id: str
    display_name: str
    description: str
    languages: tuple[str, ...]
    countries: tuple[str, ...]
    status: ProgrammeStatus
    # Added in 2026.11; defaults keep programmes registered before readable.
    target_groups: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    mentors_per_year: int | None = None
    mentees_per_year: int | None = None
    matches_per_year: int | None = None
    start_year: int | None = None
    regions: tuple[str, ...] = ()
    city: str = ""
    location: Location | None = None


class Programme(Aggregate):
    """A programme of one organisation.

    Invariant: it belongs to exactly one organisation, which existed when it was registered.
    """

    stream_prefix = "programme"

    organisation_id: str
    display_name: str
    countries: tuple[str, ...]
    status: ProgrammeStatus

    @classmethod
    def register(cls, id: str, event: ProgrammeRegistered) -> Self:
        programme = cls(id)
        programme.record(event)
        return programme

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: ProgrammeRegistered) -> None:
        self.organisation_id = event.organisation_id
        self.display_name = event.display_name
        self.countries = event.countries
        self.status = event.status
