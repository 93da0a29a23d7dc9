"""Items: one per call topic, CELEX number, procedure reference or document, from any source.

An item is collected once and then merged with every later sighting (another source, a
language version, a re-published feed). What readers care about when it changes (a deadline
moved, a call's status, a procedure's stage) is recorded as a revision.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from ecbm_alerts.domain.entry import (
    CallStatus,
    Entry,
    ItemKind,
    canonical_url,
    normalised_title,
    title_block,
)
from ecbm_alerts.domain.relevance import Relevance
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, RuleViolation


class RapporteurFact(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    role: str = "rapporteur"
    group: str = ""


class ItemFacts(BaseModel):
    """What a reader sees of an item; the part a later sighting may change."""

    model_config = ConfigDict(frozen=True)

    title: str
    url: str = ""
    summary: str = ""
    language: str = ""
    published_at: datetime | None = None
    programme: str = ""
    status: CallStatus | None = None
    opening_date: date | None = None
    deadlines: tuple[date, ...] = ()
    budget_eur: int = 0
    keywords: tuple[str, ...] = ()
    oj_series: str = ""
    stage: str = ""
    committee: str = ""
    rapporteurs: tuple[RapporteurFact, ...] = ()
    countries: tuple[str, ...] = ()

    @classmethod
    def of(cls, entry: Entry) -> ItemFacts:
        return cls(
            title=entry.title[:500],
            url=entry.url,
            summary=entry.summary[:4000],
            language=entry.language,
            published_at=entry.published_at,
            programme=entry.programme,
            status=entry.status,
            opening_date=entry.opening_date,
            deadlines=entry.deadlines,
            budget_eur=entry.budget_eur,
            keywords=entry.keywords,
            oj_series=entry.oj_series,
            stage=entry.stage,
            committee=entry.committee,
            rapporteurs=tuple(
                RapporteurFact(name=r.name, role=r.role, group=r.group) for r in entry.rapporteurs
            ),
            countries=entry.countries,
        )

    @property
    def next_deadline(self) -> date | None:
        return min(self.deadlines) if self.deadlines else None


# The fields whose change readers are told about, and the name of each change.
WATCHED = {"deadlines": "deadline_moved", "status": "status_changed", "stage": "stage_changed"}


class ItemCollected(DomainEvent):
    kind: ItemKind
    key: str
    identifier: str
    source_id: str
    facts: ItemFacts
    canonical_url: str
    normalised_title: str
    title_block: str
    relevance: float
    topics: tuple[str, ...]
    audiences: tuple[str, ...] = ()  # organisation kinds it addresses (relevance.AUDIENCES)


class ItemRevised(DomainEvent):
    """A later sighting changed watched facts: ``changes`` names each (``deadline_moved``…)."""

    kind: ItemKind
    source_id: str
    facts: ItemFacts
    changes: tuple[str, ...]


class ItemSighted(DomainEvent):
    """The same item, from another source or at another address (a language version)."""

    source_id: str
    url: str


class ItemCurated(DomainEvent):
    pinned: bool
    hidden: bool
    note: str


class ItemPickedForNewsletter(DomainEvent):
    """A snapshot of what the newsletter shows, as it was when picked."""

    picked_by: str
    kind: ItemKind
    facts: ItemFacts
    note: str


class RapporteursChanged(DomainEvent):
    """A later sighting of a procedure names other rapporteurs: earlier links are void."""

    identifier: str
    facts: ItemFacts


class ContactLinked(DomainEvent):
    """Registry found this rapporteur among its policy contacts (``RapporteurLinked``)."""

    rapporteur: str
    role: str
    policy_contact_id: str


class ItemMatched(DomainEvent):
    """Saved searches this item matched when it was collected (ids only: no person here)."""

    subscription_ids: tuple[str, ...]


class DeadlineReminded(DomainEvent):
    deadline: date
    days_before: int


class ItemNotFound(NotFound):
    """No item has this id (or it is hidden from the caller)."""


class NotAFundingCall(RuleViolation):
    """Partner searches and deadline reminders are for funding calls only."""


class Item(Aggregate):
    """A collected item. Invariants: its kind and key never change; a revision records only
    watched facts that changed; a deadline is reminded once per (deadline, days before)."""

    stream_prefix = "item"

    kind: ItemKind
    key: str
    facts: ItemFacts
    relevance: float
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    sightings: set[tuple[str, str]]
    pinned: bool
    hidden: bool
    note: str
    reminded: set[tuple[date, int]]
    # (rapporteur's name, role) -> policy contact id, as registry linked them.
    contacts: dict[tuple[str, str], str]

    @classmethod
    def collect(cls, id: str, key: str, entry: Entry, source_id: str, relevance: Relevance) -> Self:
        item = cls(id)
        item.record(
            ItemCollected(
                kind=entry.kind,
                key=key,
                identifier=entry.identifier,
                source_id=source_id,
                facts=ItemFacts.of(entry),
                canonical_url=canonical_url(entry.url),
                normalised_title=normalised_title(entry.title)[:500],
                title_block=title_block(entry.title),
                relevance=relevance.score,
                topics=relevance.topics,
                audiences=relevance.audiences,
            )
        )
        return item

    def merge(self, entry: Entry, source_id: str) -> tuple[str, ...]:
        """Take a later sighting in; the names of the watched changes it brought."""
        facts = ItemFacts.of(entry)
        changes = tuple(
            change
            for name, change in WATCHED.items()
            if getattr(facts, name) and getattr(facts, name) != getattr(self.facts, name)
        )
        if changes:
            kept = self.facts.model_copy(update={n: getattr(facts, n) for n in WATCHED})
            self.record(
                ItemRevised(kind=self.kind, source_id=source_id, facts=kept, changes=changes)
            )
        if facts.rapporteurs and facts.rapporteurs != self.facts.rapporteurs:
            named = self.facts.model_copy(update={"rapporteurs": facts.rapporteurs})
            self.record(RapporteursChanged(identifier=entry.identifier, facts=named))
        sighting = (source_id, canonical_url(entry.url))
        if sighting not in self.sightings:
            self.record(ItemSighted(source_id=source_id, url=entry.url))
        return changes

    def curate(self, pinned: bool, hidden: bool, note: str) -> None:
        if (pinned, hidden, note) != (self.pinned, self.hidden, self.note):
            self.record(ItemCurated(pinned=pinned, hidden=hidden, note=note))

    def pick_for_newsletter(self, editor: str) -> None:
        self.record(
            ItemPickedForNewsletter(
                picked_by=editor, kind=self.kind, facts=self.facts, note=self.note
            )
        )

    def link_contact(self, rapporteur: str, role: str, policy_contact_id: str) -> bool:
        """Link one of the procedure's current rapporteurs to a policy contact; a link for
        a rapporteur it no longer names, or one already made, changes nothing."""
        named = {(r.name, r.role) for r in self.facts.rapporteurs}
        if (rapporteur, role) not in named or self.contacts.get((rapporteur, role)) == (
            policy_contact_id
        ):
            return False
        self.record(
            ContactLinked(rapporteur=rapporteur, role=role, policy_contact_id=policy_contact_id)
        )
        return True

    def matched(self, subscription_ids: list[str]) -> None:
        if subscription_ids:
            self.record(ItemMatched(subscription_ids=tuple(sorted(subscription_ids))))

    def require_call(self) -> None:
        if self.kind is not ItemKind.FUNDING_CALL:
            raise NotAFundingCall(f"item {self.id!r} is a {self.kind.value}, not a funding call")

    def remind(self, deadline: date, days_before: int) -> bool:
        """Record the reminder unless it went out already; whether it is new."""
        self.require_call()
        if (deadline, days_before) in self.reminded:
            return False
        self.record(DeadlineReminded(deadline=deadline, days_before=days_before))
        return True

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: ItemCollected) -> None:
        self.kind, self.key, self.facts = event.kind, event.key, event.facts
        self.relevance, self.topics = event.relevance, event.topics
        self.audiences = event.audiences
        self.sightings = {(event.source_id, event.canonical_url)}
        self.pinned = self.hidden = False
        self.note = ""
        self.reminded = set()
        self.contacts = {}

    @apply.register
    def _(self, event: RapporteursChanged) -> None:
        self.facts, self.contacts = event.facts, {}

    @apply.register
    def _(self, event: ContactLinked) -> None:
        self.contacts[(event.rapporteur, event.role)] = event.policy_contact_id

    @apply.register
    def _(self, event: ItemRevised) -> None:
        self.facts = event.facts

    @apply.register
    def _(self, event: ItemSighted) -> None:
        self.sightings.add((event.source_id, canonical_url(event.url)))

    @apply.register
    def _(self, event: ItemCurated) -> None:
        self.pinned, self.hidden, self.note = event.pinned, event.hidden, event.note

    @apply.register
    def _(self, event: ItemPickedForNewsletter) -> None:
        pass

    @apply.register
    def _(self, event: ItemMatched) -> None:
        pass

    @apply.register
    def _(self, event: DeadlineReminded) -> None:
        self.reminded.add((event.deadline, event.days_before))
