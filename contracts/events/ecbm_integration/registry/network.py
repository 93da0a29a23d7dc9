"""Registry integration events about the Brussels network of policy contacts.

Personal data is kept to ids: consumers that need a contact's name or committee ask
NetworkService (callers with the right role), so nothing personal spreads over the bus.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ecbm_integration.fields import CountryCode, OccurredAt, ResourceId
from ecbm_integration.registry.base import RegistryEvent

ContactKind = Literal[
    "MEP", "COMMISSION_STAFF", "NATIONAL_LIAISON_OFFICE", "SUPPORTING_ORGANISATION", "LOBBYIST"
]
Stance = Literal["CHAMPION", "OPEN", "UNKNOWN", "SCEPTICAL"]


class PolicyContactAdded(RegistryEvent):
    """A policy contact joined the network (resource policyContacts/{policy_contact_id})."""

    policy_contact_id: ResourceId = Field(
        description="Id of the contact: policyContacts/{policy_contact_id}."
    )
    kind: ContactKind = Field(description="Kind of contact, e.g. MEP or COMMISSION_STAFF.")
    country: CountryCode = Field(description="Country the contact represents or comes from.")
    stance: Stance = Field(description="Stance toward mentoring when added.")
    topics: list[str] = Field(
        default_factory=list, description="Focus-area term ids the contact works on."
    )
    occurred_at: OccurredAt = Field(description="When the contact was added.")


class PolicyContactUpdated(RegistryEvent):
    """A policy contact changed: its details, its stance, or it was withdrawn.

    Fields not touched by the change are null; a consumer keeps the rest from earlier events.
    """

    policy_contact_id: ResourceId = Field(
        description="Id of the contact: policyContacts/{policy_contact_id}."
    )
    change: Literal["DETAILS", "STANCE", "WITHDRAWN"] = Field(description="What changed.")
    kind: ContactKind | None = Field(default=None, description="New kind, when DETAILS.")
    country: CountryCode | None = Field(default=None, description="New country, when DETAILS.")
    topics: list[str] | None = Field(default=None, description="New topics, when DETAILS.")
    stance: Stance | None = Field(default=None, description="New stance, when STANCE.")
    previous_stance: Stance | None = Field(
        default=None, description="Stance before the change, when STANCE."
    )
    version: int = Field(ge=1, description="Version of the contact after the change.")
    occurred_at: OccurredAt = Field(description="When the change was recorded.")


class InteractionLogged(RegistryEvent):
    """A meeting, advocacy visit, letter or petition with a policy contact was logged."""

    interaction_id: ResourceId = Field(
        description="Id of the interaction: "
        "policyContacts/{policy_contact_id}/interactions/{interaction_id}."
    )
    policy_contact_id: ResourceId = Field(description="Id of the contact it was with.")
    kind: Literal["MEETING", "ADVOCACY_VISIT", "LETTER", "PETITION"] = Field(
        description="Kind of interaction."
    )
    occurred_on: dt.date = Field(description="Day it took place (ISO 8601 date).")
    participant_ids: list[ResourceId] = Field(
        min_length=1, description="Ids of the people who took part: people/{id}."
    )
    occurred_at: OccurredAt = Field(description="When the interaction was logged.")
