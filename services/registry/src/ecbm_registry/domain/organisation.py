"""Organisations: the bodies that run, study, fund or federate mentoring programmes."""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

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


class Organisation(Aggregate):
    """An organisation in the network; for now it only comes into being."""

    stream_prefix = "organisation"

    display_name: str
    kind: OrganisationKind
    country: str
    contact_email: str

    @classmethod
    def register(cls, id: str, event: OrganisationRegistered) -> Self:
        organisation = cls(id)
        organisation.record(event)
        return organisation

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: OrganisationRegistered) -> None:
        self.display_name = event.display_name
        self.kind = event.kind
        self.country = event.country
        self.contact_email = event.contact_email


def normalised_name(name: str) -> str:
    """The form two organisation names are compared in to spot duplicates."""
    return " ".join(name.casefold().split())
