"""Registry integration events about people (members) and their membership.

No personal data travels in clear: PersonJoined and PersonUpdated (version 2) carry the
person's name and e-mail only sealed (``sealed_contact``), for the services holding the
contact-sealing keys (notify); the other fields say nothing about who the person is. On
PersonForgotten every consumer deletes what it holds about the person.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from ecbm_integration.fields import (
    CountryCode,
    LanguageCode,
    OccurredAt,
    ResourceId,
    SealedContact,
)
from ecbm_integration.registry.base import RegistryEvent

PersonRole = Literal[
    "practitioner", "programme_coordinator", "researcher", "policy_maker", "student"
]


class PersonJoined(RegistryEvent):
    """A person joined the network (resource people/{person_id}).

    Version 2: the name and e-mail of version 1 are in ``sealed_contact``.
    """

    schema_version: ClassVar[int] = 2

    person_id: ResourceId = Field(description="Id of the person: people/{person_id}.")
    sealed_contact: SealedContact
    preferred_language: LanguageCode = Field(description="Language to write to them in.")
    contact_by_email: bool = Field(description="Whether the person agreed to be e-mailed.")
    country: CountryCode = Field(description="Country the person works in.")
    roles: list[PersonRole] = Field(description="Roles the person has in mentoring.")
    occurred_at: OccurredAt = Field(description="When the person joined.")


class PersonUpdated(RegistryEvent):
    """A person changed their profile; carries the current contact details, sealed.

    Version 2: the name and e-mail of version 1 are in ``sealed_contact``.
    """

    schema_version: ClassVar[int] = 2

    person_id: ResourceId = Field(description="Id of the person: people/{person_id}.")
    sealed_contact: SealedContact
    preferred_language: LanguageCode = Field(description="Language to write to them in.")
    contact_by_email: bool = Field(description="Whether the person agreed to be e-mailed.")
    country: CountryCode = Field(description="Country the person works in.")
    roles: list[PersonRole] = Field(description="Roles the person has in mentoring.")
    occurred_at: OccurredAt = Field(description="When the profile changed.")


class ExpertiseDeclared(RegistryEvent):
    """A person declared (or re-levelled) expertise on a topic."""

    person_id: ResourceId = Field(description="Id of the person: people/{person_id}.")
    topic: ResourceId = Field(description="Term id in the vocabulary expertise-topics.")
    level: Literal["aware", "practising", "expert"] = Field(description="How deep it goes.")
    occurred_at: OccurredAt = Field(description="When it was declared.")


class LearningGoalDeclared(RegistryEvent):
    """A person declared they want to learn about a topic."""

    person_id: ResourceId = Field(description="Id of the person: people/{person_id}.")
    topic: ResourceId = Field(description="Term id in the vocabulary expertise-topics.")
    occurred_at: OccurredAt = Field(description="When it was declared.")


class MembershipApproved(RegistryEvent):
    """An editor approved a person's membership: step one of the quality model."""

    person_id: ResourceId = Field(description="Id of the member: people/{person_id}.")
    occurred_at: OccurredAt = Field(description="When the membership was approved.")


class MembershipEnded(RegistryEvent):
    """An approved membership ended: on purpose, not renewed (lapsed), or by forgetting."""

    person_id: ResourceId = Field(description="Id of the former member: people/{person_id}.")
    lapsed: bool = Field(description="True when it ran out rather than being ended.")
    occurred_at: OccurredAt = Field(description="When the membership ended.")


class PersonForgotten(RegistryEvent):
    """A person was forgotten: delete everything held about them. Carries only the id."""

    person_id: ResourceId = Field(description="Id of the forgotten person: people/{person_id}.")
    occurred_at: OccurredAt = Field(description="When the person was forgotten.")
