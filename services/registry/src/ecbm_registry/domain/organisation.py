"""Organisations: the bodies that run, study, fund or federate mentoring programmes."""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import RuleViolation


class OrganisationKind(StrEnum):
    MENTORING_ORGANISATION = "mentoring_organisation"
    RESEARCH_INSTITUTION = "research_institution"
    PUBLIC_BODY = "public_body"
    FUNDER = "funder"
    NETWORK = "network"
    OTHER = "other"


class OrganisationStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # taken off the registry; only WithdrawOrganisation sets it


class OrganisationRegistered(DomainEvent):
    display_name: str
    kind: OrganisationKind
    country: str
    city: str
    website: str
    contact_name: str
    contact_email: str
    description: str
    # Person ids (token subjects) who may change it and its programmes; added 2026.11.
    editors: tuple[str, ...] = ()


class OrganisationEditorAdded(DomainEvent):
    person_id: str


class OrganisationUpdated(DomainEvent):
    """The fields named in ``fields`` were set to the values here; the others mean nothing."""

    fields: tuple[str, ...]
    display_name: str | None = None
    kind: OrganisationKind | None = None
    city: str | None = None
    website: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    description: str | None = None


class OrganisationWithdrawn(DomainEvent):
    reason: str = ""


class OrganisationIsWithdrawn(RuleViolation):
    def __init__(self, organisation_id: str) -> None:
        super().__init__(f"organisations/{organisation_id} is withdrawn; it changes no more")


class OrganisationHasProgrammes(RuleViolation):
    def __init__(self, organisation_id: str, active_programmes: int) -> None:
        super().__init__(
            f"organisations/{organisation_id} still runs programmes: "
            f"withdraw its {active_programmes} programme(s) first"
        )
        self.active_programmes = active_programmes


class Organisation(Aggregate):
    """An organisation in the network.

    Invariants: a person is listed among its editors at most once; a withdrawn organisation
    changes no more and runs no new programmes; one is withdrawn only once none of its
    programmes is active (not withdrawn).
    """

    stream_prefix = "organisation"

    display_name: str
    kind: OrganisationKind
    country: str
    city: str
    website: str
    contact_name: str
    contact_email: str
    description: str
    editors: tuple[str, ...]
    status: OrganisationStatus = OrganisationStatus.ACTIVE  # streams before 2026.12 are active

    @classmethod
    def register(cls, id: str, event: OrganisationRegistered) -> Self:
        organisation = cls(id)
        organisation.record(event)
        return organisation

    def update(self, changes: dict[str, Any]) -> None:
        """Set ``changes`` (field → new value); records nothing when nothing differs."""
        self.check_not_withdrawn()
        differing = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if differing:
            self.record(OrganisationUpdated(fields=tuple(sorted(differing)), **differing))

    def add_editor(self, person_id: str) -> None:
        """Make ``person_id`` an editor; nothing happens when they are one already."""
        self.check_not_withdrawn()
        if person_id not in self.editors:
            self.record(OrganisationEditorAdded(person_id=person_id))

    def withdraw(self, reason: str, active_programmes: int) -> None:
        """Take it off the registry; ``active_programmes`` counts its programmes not withdrawn."""
        self.check_not_withdrawn()
        if active_programmes > 0:
            raise OrganisationHasProgrammes(self.id, active_programmes)
        self.record(OrganisationWithdrawn(reason=reason))

    def check_not_withdrawn(self) -> None:
        """Raise unless it is active; also guards registering a programme for it."""
        if self.status is OrganisationStatus.WITHDRAWN:
            raise OrganisationIsWithdrawn(self.id)

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: OrganisationRegistered) -> None:
        for name in OrganisationRegistered.model_fields:
            setattr(self, name, getattr(event, name))

    @apply.register
    def _(self, event: OrganisationEditorAdded) -> None:
        self.editors = (*self.editors, event.person_id)

    @apply.register
    def _(self, event: OrganisationUpdated) -> None:
        for name in event.fields:
            setattr(self, name, getattr(event, name))

    @apply.register
    def _(self, event: OrganisationWithdrawn) -> None:
        self.status = OrganisationStatus.WITHDRAWN


def normalised_name(name: str) -> str:
    """The form two organisation names are compared in to spot duplicates."""
    return " ".join(name.casefold().split())
