"""The alerts service's items and subscriptions as others see them."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecbm_integration.base import IntegrationEvent
from ecbm_integration.fields import OccurredAt, ResourceId

IsoDate = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"),
    Field(description="A day, ISO 8601 (2027-03-12).", examples=["2027-03-12"]),
]
# A day or nothing: "" when a call has no deadline (yet).
IsoDateOrNone = Annotated[str, StringConstraints(pattern=r"^(\d{4}-\d{2}-\d{2})?$")]
ItemKind = Literal["policy_document", "procedure", "network", "event", "funding_call"]
Url = str


class AlertsEvent(IntegrationEvent):
    """Base of the alerts service's integration events."""

    source: ClassVar[str] = "alerts"


class AlertMatched(AlertsEvent):
    """A new item matched a member's saved search (subscriptions/{subscription_id})."""

    subscription_id: ResourceId = Field(description="Id of the saved search.")
    person_id: ResourceId = Field(description="Its owner: people/{person_id}.")
    subscription_name: str = Field(max_length=200, description="Name of the saved search.")
    rhythm: Literal["immediately", "daily", "weekly"] = Field(
        description="How soon the subscriber wants to hear: notify sends 'immediately' at "
        "once and gathers the others into the person's daily or weekly digest."
    )
    item_id: ResourceId = Field(description="Id of the item: items/{item_id}.")
    kind: ItemKind = Field(description="Kind of item.", examples=["funding_call"])
    title: str = Field(min_length=1, max_length=500, description="Title of the item.")
    url: Url = Field(max_length=2000, description="Where to read it.")
    relevance: float = Field(ge=0, le=1, description="Relevance to mentoring, 0 to 1.")
    deadline: IsoDateOrNone = Field(
        default="", description="Next deadline of a call, ISO 8601; empty: none."
    )
    occurred_at: OccurredAt = Field(description="When it matched.")


class DeadlineApproaching(AlertsEvent):
    """A funding call a member's saved search matched closes in ``days_before`` days."""

    subscription_id: ResourceId = Field(description="Id of the saved search that matched.")
    person_id: ResourceId = Field(description="Its owner: people/{person_id}.")
    item_id: ResourceId = Field(description="Id of the call: items/{item_id}.")
    identifier: str = Field(max_length=200, description="The call topic's identifier.")
    title: str = Field(min_length=1, max_length=500, description="Title of the call.")
    url: Url = Field(max_length=2000, description="The call's page.")
    deadline: IsoDate = Field(description="The deadline, ISO 8601.")
    days_before: int = Field(ge=0, description="Days left (30 or 7 by default).")
    occurred_at: OccurredAt = Field(description="When the reminder was due.")


class ItemChanged(AlertsEvent):
    """A watched fact of an item changed: a deadline moved, a call's status or a
    procedure's stage changed."""

    item_id: ResourceId = Field(description="Id of the item: items/{item_id}.")
    kind: ItemKind = Field(description="Kind of item.")
    title: str = Field(min_length=1, max_length=500, description="Title of the item.")
    changes: list[Literal["deadline_moved", "status_changed", "stage_changed"]] = Field(
        min_length=1, description="What changed."
    )
    deadlines: list[IsoDate] = Field(default_factory=list, description="Deadlines now.")
    status: str = Field(default="", max_length=32, description="Call status now.")
    stage: str = Field(default="", max_length=200, description="Procedure stage now.")
    occurred_at: OccurredAt = Field(description="When the change was seen.")


class NewsletterItemPicked(AlertsEvent):
    """An editor picked an item for the next newsletter: notify's campaign drafting
    collects the picks since its last issue."""

    item_id: ResourceId = Field(description="Id of the item: items/{item_id}.")
    kind: ItemKind = Field(description="Kind of item.")
    title: str = Field(min_length=1, max_length=500, description="Title of the item.")
    url: Url = Field(max_length=2000, description="Where to read it.")
    summary: str = Field(max_length=4000, description="Summary, plain text.")
    note: str = Field(max_length=2000, description="The editors' note on it.")
    occurred_at: OccurredAt = Field(description="When it was picked.")


class PartnerSearchRequested(AlertsEvent):
    """A member asks for partners to apply to a funding call: matching opens a project
    partner search for them, closing with the call's deadline."""

    request_id: ResourceId = Field(description="Id of this request (one per person and call).")
    person_id: ResourceId = Field(description="Who looks for partners: people/{person_id}.")
    item_id: ResourceId = Field(description="Id of the call: items/{item_id}.")
    identifier: str = Field(max_length=200, description="The call topic's identifier.")
    title: str = Field(min_length=1, max_length=500, description="Title of the call.")
    programme: str = Field(max_length=200, description="Funding programme.")
    deadline: IsoDateOrNone = Field(
        description="The call's next deadline, ISO 8601; empty if unknown."
    )
    url: Url = Field(max_length=2000, description="The call's page.")
    message: str = Field(max_length=2000, description="What the member looks for.")
    occurred_at: OccurredAt = Field(description="When it was asked.")


class NamedRapporteur(BaseModel):
    """A rapporteur or shadow rapporteur as the Legislative Observatory names them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="The MEP's name, as published.")
    role: Literal["rapporteur", "shadow"] = Field(description="Rapporteur or shadow rapporteur.")
    group: str = Field(default="", max_length=100, description="Political group, e.g. 'EPP'.")


class RapporteursNamed(AlertsEvent):
    """A procedure file names its rapporteur and shadow rapporteurs (when it is collected,
    and again when they change). Their names are public data of the European Parliament's
    Legislative Observatory; registry links them to the policy contacts of its Brussels
    network and answers with ``RapporteurLinked`` (ids only)."""

    item_id: ResourceId = Field(description="Id of the procedure: items/{item_id}.")
    reference: str = Field(
        min_length=1,
        max_length=200,
        description="Procedure reference.",
        examples=["2024/0123(COD)"],
    )
    title: str = Field(min_length=1, max_length=500, description="Title of the procedure.")
    committee: str = Field(default="", max_length=200, description="Committee responsible.")
    rapporteurs: list[NamedRapporteur] = Field(
        min_length=1, max_length=50, description="Rapporteur and shadow rapporteurs."
    )
    occurred_at: OccurredAt = Field(description="When they were seen.")
