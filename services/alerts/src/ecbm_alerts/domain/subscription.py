"""Subscriptions: a member's saved search, with the rhythm at which they hear of matches.

A saved search matches an item when every word of its query is in the item's text, the
item's kind is one of its kinds, it shares a topic and a country (items about no country
are Europe-wide and match every country), and, for "best only", the item is among the best.
``SearchIndex`` finds the matching searches of an item without trying each one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from ecbm_alerts.domain.entry import ItemKind
from ecbm_alerts.domain.relevance import BEST, NOISE, plain
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound


class Rhythm(StrEnum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"


class SearchTerms(BaseModel):
    """The saved search itself (embedded in the subscription's events)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    query: str
    kinds: tuple[ItemKind, ...]
    topics: tuple[str, ...]
    countries: tuple[str, ...]
    rhythm: Rhythm
    best_only: bool
    # The subscriber's organisation in registry (its kind weighs in, see ``relevance_for``).
    organisation_id: str = ""


class SubscriptionSaved(DomainEvent):
    person_id: str
    terms: SearchTerms


class SubscriptionChanged(DomainEvent):
    terms: SearchTerms


class SubscriptionDeleted(DomainEvent):
    pass


class SubscriptionErased(DomainEvent):
    """Its owner was forgotten: the search and the person's id are gone."""


class SubscriptionNotFound(NotFound):
    """No subscription has this id, or it is not the caller's."""


class Subscription(Aggregate):
    """A saved search. Invariant: it belongs to one person for its whole life."""

    stream_prefix = "subscription"

    person_id: str
    terms: SearchTerms
    deleted: bool

    @classmethod
    def save(cls, id: str, person_id: str, terms: SearchTerms) -> Self:
        subscription = cls(id)
        subscription.record(SubscriptionSaved(person_id=person_id, terms=terms))
        return subscription

    def change(self, terms: SearchTerms) -> None:
        self._require_live()
        if terms != self.terms:
            self.record(SubscriptionChanged(terms=terms))

    def delete(self) -> None:
        self._require_live()
        self.record(SubscriptionDeleted())

    def erase(self) -> None:
        if self.person_id:
            self.record(SubscriptionErased())

    def _require_live(self) -> None:
        if self.deleted:
            raise SubscriptionNotFound(f"subscription {self.id!r} does not exist")

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: SubscriptionSaved) -> None:
        self.person_id, self.terms, self.deleted = event.person_id, event.terms, False

    @apply.register
    def _(self, event: SubscriptionChanged) -> None:
        self.terms = event.terms

    @apply.register
    def _(self, event: SubscriptionDeleted) -> None:
        self.deleted = True

    @apply.register
    def _(self, event: SubscriptionErased) -> None:
        self.person_id, self.deleted = "", True


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(plain(text)))


@dataclass(frozen=True)
class SavedSearch:
    """A live subscription as matching needs it."""

    id: str
    person_id: str
    name: str
    words: frozenset[str]
    kinds: frozenset[str]
    topics: frozenset[str]
    countries: frozenset[str]
    rhythm: Rhythm
    best_only: bool
    organisation_kind: str = ""  # registry's OrganisationKind, e.g. RESEARCH_INSTITUTION

    @classmethod
    def of(
        cls, id: str, person_id: str, terms: SearchTerms, organisation_kind: str = ""
    ) -> SavedSearch:
        return cls(
            id=id,
            person_id=person_id,
            name=terms.name,
            words=words(terms.query),
            kinds=frozenset(k.value for k in terms.kinds),
            topics=frozenset(terms.topics),
            countries=frozenset(terms.countries),
            rhythm=terms.rhythm,
            best_only=terms.best_only,
            organisation_kind=organisation_kind,
        )


@dataclass(frozen=True)
class Candidate:
    """An item as matching sees it."""

    kind: str
    words: frozenset[str]
    topics: frozenset[str]
    countries: frozenset[str]
    relevance: float
    pinned: bool = False
    # Organisation kinds the item addresses (universities, NGOs, ...); empty: anyone.
    audiences: frozenset[str] = frozenset()


# How much an item addressed to the subscriber's kind of organisation gains (and one
# addressed only to other kinds loses) for that subscriber.
KIND_WEIGHT = 0.15


def relevance_for(search: SavedSearch, item: Candidate) -> float:
    """The item's relevance to mentoring, for this subscriber: up when it addresses their
    kind of organisation, down when it addresses only others; unchanged when either side
    says nothing."""
    if not search.organisation_kind or not item.audiences:
        return item.relevance
    if search.organisation_kind in item.audiences:
        return item.relevance + KIND_WEIGHT
    return item.relevance - KIND_WEIGHT


def matches(search: SavedSearch, item: Candidate) -> bool:
    """Query words, kinds, topics and countries filter; relevance for the subscriber
    decides: the best (0.6) for "best only", else anything not noise (0.25). Pinned items
    pass either way."""
    if not (
        search.words <= item.words
        and (not search.kinds or item.kind in search.kinds)
        and (not search.topics or bool(search.topics & item.topics))
        and (not search.countries or not item.countries or bool(search.countries & item.countries))
    ):
        return False
    floor = BEST if search.best_only else NOISE
    if item.pinned or (item.relevance >= floor + KIND_WEIGHT):
        return True  # whatever the organisation's kind (the index meets millions of pairs)
    return relevance_for(search, item) >= floor


class SearchIndex:
    """Saved searches filed under (one of their words, each of their kinds): the longest
    word, usually the rarest, or no word when the query is empty. An item is checked only
    against the searches filed under its own kind and words, so 10,000 new items meet
    5,000 searches in seconds, not in 50 million comparisons (docs/benchmarks.md)."""

    def __init__(self, searches: Iterable[SavedSearch]) -> None:
        self._filed: dict[tuple[str, str], list[SavedSearch]] = {}
        every_kind = [k.value for k in ItemKind]
        for search in searches:
            word = max(search.words, key=lambda w: (len(w), w)) if search.words else ""
            for kind in search.kinds or every_kind:
                self._filed.setdefault((word, kind), []).append(search)

    def matching(self, item: Candidate) -> list[SavedSearch]:
        found: list[SavedSearch] = []
        for word in ("", *item.words):
            for search in self._filed.get((word, item.kind), ()):
                if matches(search, item):
                    found.append(search)
        return found
