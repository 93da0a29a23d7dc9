"""Organisations: the bodies that run, study, fund or federate mentoring programmes."""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent


class OrganisationKind(StrEnum):
    MENTORING_ORGANISATION = "mentoring_organisation"
    RESEARCH_INSTITUTION = "research_institution"
    PUBLIC_BODY = "public_body"
    FUNDER = "funder"
    NETWORK = "network"
    OTHER = "other"


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


class Organisation(Aggregate):
    """An organisation in the network.

    Invariant: a person is listed among its editors at most once.
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

    @classmethod
    def register(cls, id: str, event: OrganisationRegistered) -> Self:
        organisation = cls(id)
        organisation.record(event)
        return organisation

    def update(self, changes: dict[str, Any]) -> None:
        """Set ``changes`` (field → new value); records nothing when nothing differs."""
        differing = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if differing:
            self.record(OrganisationUpdated(fields=tuple(sorted(differing)), **differing))

    def add_editor(self, person_id: str) -> None:
        """Make ``person_id`` an editor; nothing happens when they are one already."""
        if person_id not in self.editors:
            self.record(OrganisationEditorAdded(person_id=person_id))

    def may_be_changed_by(self, subject: str) -> bool:
        return bool(subject) and subject in self.editors

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


def normalised_name(name: str) -> str:
    """The form two organisation names are compared in to spot duplicates."""
    return " ".join(name.casefold().split())
