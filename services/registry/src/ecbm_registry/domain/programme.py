"""Mentoring programmes: what an organisation runs, for whom, where."""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent


class ProgrammeStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class ProgrammeRegistered(DomainEvent):
    organisation_id: str
    display_name: str
    description: str
    languages: tuple[str, ...]
    countries: tuple[str, ...]
    status: ProgrammeStatus


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
