"""Registry integration events about the Brussels network of policy contacts.

Personal data is kept to ids: consumers that need a contact's name or address ask
NetworkService (callers with the right role), so nothing personal spreads over the bus.
Enumerations are upper-case strings constrained by a pattern, like OrganisationRegistered.kind.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ecbm_integration.fields import CountryCode, OccurredAt, ResourceId
from ecbm_integration.registry.base import RegistryEvent

_KINDS = "MEP|COMMISSION_STAFF|NATIONAL_LIAISON_OFFICE|SUPPORTING_ORGANISATION|LOBBYIST"
ContactKind = Annotated[str, StringConstraints(pattern=rf"^({_KINDS})$")]
ContactKindOrNone = Annotated[str, StringConstraints(pattern=rf"^({_KINDS})?$")]
Stance = Annotated[str, StringConstraints(pattern=r"^(CHAMPION|OPEN|UNKNOWN|SCEPTICAL)$")]
StanceOrNone = Annotated[str, StringConstraints(pattern=r"^(CHAMPION|OPEN|UNKNOWN|SCEPTICAL)?$")]
Topic = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,64}$")]


class PolicyContactAdded(RegistryEvent):
    """A policy contact joined the network (resource policyContacts/{policy_contact_id})."""

    policy_contact_id: ResourceId = Field(
        description="Id of the contact: policyContacts/{policy_contact_id}."
    )
    kind: ContactKind = Field(
        description="Kind of contact: MEP, COMMISSION_STAFF, NATIONAL_LIAISON_OFFICE, "
        "SUPPORTING_ORGANISATION or LOBBYIST.",
        examples=["MEP"],
    )
    country: CountryCode = Field(description="Country the contact represents or comes from.")
    stance: Stance = Field(
        description="Stance toward mentoring when added: CHAMPION, OPEN, UNKNOWN or SCEPTICAL.",
        examples=["OPEN"],
    )
    topics: list[Topic] = Field(description="Focus-area term ids the contact works on.")
    committee: str = Field(
        default="",
        max_length=200,
        description="Parliament committee (MEPs) or Commission directorate-general (staff), "
        "e.g. EMPL; empty when unknown.",
        examples=["EMPL"],
    )
    occurred_at: OccurredAt = Field(description="When the contact was added.")


class PolicyContactUpdated(RegistryEvent):
    """A policy contact changed: its details, its stance, or it was withdrawn.

    Only the fields of the change are meaningful: kind, country, topics and committee for DETAILS;
    stance and previous_stance for STANCE. A consumer keeps the rest from earlier events.
    """

    policy_contact_id: ResourceId = Field(
        description="Id of the contact: policyContacts/{policy_contact_id}."
    )
    change: str = Field(
        pattern=r"^(DETAILS|STANCE|WITHDRAWN)$",
        description="What changed: DETAILS, STANCE or WITHDRAWN.",
        examples=["STANCE"],
    )
    kind: ContactKindOrNone = Field(
        default="", description="Kind after a DETAILS change; else empty."
    )
    country: str = Field(
        default="",
        pattern=r"^([A-Z]{2})?$",
        description="Country after a DETAILS change; else empty.",
    )
    topics: list[Topic] = Field(default_factory=list, description="Topics after DETAILS.")
    committee: str = Field(
        default="",
        max_length=200,
        description="Parliament committee (MEPs) or Commission directorate-general (staff), "
        "e.g. EMPL; empty when unknown or not a DETAILS change.",
        examples=["EMPL"],
    )
    stance: StanceOrNone = Field(default="", description="New stance, when STANCE; else empty.")
    previous_stance: StanceOrNone = Field(
        default="", description="Stance before the change, when STANCE; else empty."
    )
    occurred_at: OccurredAt = Field(description="When the change was recorded.")


class InteractionLogged(RegistryEvent):
    """A meeting, advocacy visit, letter or petition with a policy contact was logged."""

    interaction_id: ResourceId = Field(
        description="Id of the interaction: "
        "policyContacts/{policy_contact_id}/interactions/{interaction_id}."
    )
    policy_contact_id: ResourceId = Field(description="Id of the contact it was with.")
    kind: str = Field(
        pattern=r"^(MEETING|ADVOCACY_VISIT|LETTER|PETITION)$",
        description="Kind of interaction: MEETING, ADVOCACY_VISIT, LETTER or PETITION.",
        examples=["ADVOCACY_VISIT"],
    )
    occurred_on: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="Day it took place, ISO 8601 date.",
        examples=["2026-03-04"],
    )
    participant_ids: list[ResourceId] = Field(
        min_length=1, description="Ids of the people who took part: people/{id}."
    )
    occurred_at: OccurredAt = Field(description="When the interaction was logged.")
