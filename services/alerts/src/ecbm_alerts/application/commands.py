"""Commands and queries of the alerts service."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ecbm_alerts.application.shapes import (
    Country,
    EntityId,
    Name,
    PageSize,
    RequestId,
    Topic,
    Url,
)
from ecbm_alerts.domain.entry import CallStatus, ItemKind
from ecbm_alerts.domain.relevance import TOPICS
from ecbm_alerts.domain.source import SourceKind
from ecbm_alerts.domain.subscription import Rhythm
from ecbm_runtime.actor import Actor


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- sources


class AddSource(Message):
    actor: Actor
    name: Name
    kind: SourceKind
    url: Url
    item_kind: ItemKind = ItemKind.POLICY_DOCUMENT
    query: str = Field(default="", max_length=500)
    interval_minutes: int = Field(default=60, ge=5, le=7 * 24 * 60)
    request_id: RequestId = ""

    @field_validator("kind")
    @classmethod
    def _polled(cls, kind: SourceKind) -> SourceKind:
        if kind is SourceKind.MANUAL:
            raise ValueError("manual entries need no source: use CreateItem")
        return kind


class SourceCommand(Message):
    actor: Actor
    source_id: EntityId


class PauseSource(SourceCommand):
    pass


class ResumeSource(SourceCommand):
    pass


class RemoveSource(SourceCommand):
    pass


class GetSource(SourceCommand):
    pass


class ListSources(Message):
    actor: Actor


class PollSources(Message):
    """The worker's timer: poll every active source whose time has come."""


class PollSource(Message):
    """Poll one source now (editors), whatever its schedule."""

    actor: Actor
    source_id: EntityId


# --- items


class CreateItem(Message):
    """An editor's manual entry (a network meeting, a consultation)."""

    actor: Actor
    kind: ItemKind
    title: Name
    url: str = Field(default="", max_length=2000)
    summary: str = Field(default="", max_length=4000)
    identifier: str = Field(default="", max_length=200)
    deadlines: tuple[date, ...] = ()
    status: CallStatus | None = None
    programme: str = Field(default="", max_length=200)
    countries: tuple[Country, ...] = ()
    published_at: datetime | None = None


class ItemCommand(Message):
    actor: Actor
    item_id: EntityId


class GetItem(ItemCommand):
    pass


class CurateItem(ItemCommand):
    pinned: bool
    hidden: bool
    note: str = Field(default="", max_length=2000)


class PickForNewsletter(ItemCommand):
    pass


class FindPartners(ItemCommand):
    message: str = Field(default="", max_length=2000)


class ListItems(Message):
    actor: Actor
    query: str = Field(default="", max_length=200)
    kinds: tuple[ItemKind, ...] = ()
    topic: str = Field(default="", max_length=64)
    best_only: bool = False
    page_size: PageSize = 50
    offset: int = Field(default=0, ge=0)


class SendDeadlineReminders(Message):
    """The worker's timer: remind subscribers of calls closing in 30 and 7 days."""


# --- subscriptions


class Terms(Message):
    name: Name
    query: str = Field(default="", max_length=200)
    kinds: tuple[ItemKind, ...] = ()
    topics: tuple[Topic, ...] = ()
    countries: tuple[Country, ...] = ()
    rhythm: Rhythm = Rhythm.DAILY
    best_only: bool = True
    organisation_id: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9_-]*$")

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, topics: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(topics) - TOPICS.keys())
        if unknown:
            raise ValueError(f"unknown topics {unknown}; known: {sorted(TOPICS)}")
        return topics


class CreateSubscription(Message):
    actor: Actor
    terms: Terms
    request_id: RequestId = ""


class SubscriptionCommand(Message):
    actor: Actor
    subscription_id: EntityId


class UpdateSubscription(SubscriptionCommand):
    terms: Terms


class DeleteSubscription(SubscriptionCommand):
    pass


class GetSubscription(SubscriptionCommand):
    pass


class ListSubscriptions(Message):
    actor: Actor
