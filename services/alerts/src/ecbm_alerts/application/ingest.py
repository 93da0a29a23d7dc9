"""Ingesting entries: deduplicate, score, store, and match against saved searches.

One item per natural key (call topic, CELEX number, procedure reference), else per canonical
URL (which folds language versions and tracking parameters), else per title: a title at
least ``fuzzy_title_threshold`` similar to one of the same kind (rapidfuzz, compared only
within its ``title_block``) is the same item. A later sighting merges into the item and
records what changed (deadline, status, stage).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from ecbm_alerts.adapters.views import Known, SearchesVersion
from ecbm_alerts.application import integration
from ecbm_alerts.domain.entry import (
    Entry,
    canonical_url,
    item_id,
    item_key,
    normalised_title,
    title_block,
)
from ecbm_alerts.domain.item import Item
from ecbm_alerts.domain.relevance import relevance
from ecbm_alerts.domain.subscription import Candidate, SavedSearch, SearchIndex, words
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_alerts.adapters.views import AlertsViews


@dataclass
class Ingested:
    new: int = 0
    merged: int = 0
    changed: int = 0
    matched: int = 0
    item_ids: list[str] = field(default_factory=list)


class Deduplicator:
    """Finds the stored (or just collected) item an entry is a copy of."""

    def __init__(self, known: list[Known], threshold: float) -> None:
        self.threshold = threshold
        self.by_key: dict[str, str] = {}
        self.by_url: dict[str, str] = {}
        self.by_block: dict[tuple[str, str], dict[str, str]] = {}
        for k in known:
            self.remember(k.id, k.kind, k.key, k.canonical_url, k.title_block, k.normalised_title)

    def remember(self, id: str, kind: str, key: str, url: str, block: str, title: str) -> None:
        self.by_key[key] = id
        if url:
            self.by_url.setdefault(url, id)
        self.by_block.setdefault((kind, block), {}).setdefault(title, id)

    def find(self, entry: Entry, key: str) -> str | None:
        if key in self.by_key:
            return self.by_key[key]
        if entry.identifier:  # a different identifier is a different call/document
            return None
        url = canonical_url(entry.url)
        if url and url in self.by_url:
            return self.by_url[url]
        titles = self.by_block.get((entry.kind.value, title_block(entry.title)), {})
        if not titles:
            return None
        best = process.extractOne(
            normalised_title(entry.title),
            list(titles),
            scorer=fuzz.token_sort_ratio,
            score_cutoff=self.threshold,
        )
        return titles[best[0]] if best else None


class SearchCache:
    """The index of the saved searches, kept while they stay as they were: each ingest reads
    their change counter with its dedupe candidates, in the same statement, and loads them
    again (5,000 searches, validated) only when it moved."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[SearchesVersion, SearchIndex] | None = None

    def index(self, version: SearchesVersion, load: Callable[[], list[SavedSearch]]) -> SearchIndex:
        with self._lock:
            if self._kept is not None and self._kept[0] == version:
                return self._kept[1]
        fresh = SearchIndex(load())
        with self._lock:
            self._kept = (version, fresh)
        return fresh


def ingest(
    work: UnitOfWork[AlertsViews],
    entries: Sequence[Entry],
    source_id: str,
    now: datetime,
    threshold: float,
    index: SearchIndex | None = None,
    searches: SearchCache | None = None,
) -> Ingested:
    """Store ``entries`` in ``work`` (the caller commits); what became of them. ``searches``
    keeps the saved searches' index between calls while they do not change."""
    keys = [item_key(e) for e in entries]
    views = work.views
    known, searches_version = views.candidates(
        keys,
        [canonical_url(e.url) for e in entries],
        [title_block(e.title) for e in entries],
        [e.kind.value for e in entries],
    )
    dedupe = Deduplicator(known, threshold)
    index = index or (searches or SearchCache()).index(searches_version, views.saved_searches)
    loaded: dict[str, Item] = {}
    result = Ingested()
    for entry, key in zip(entries, keys, strict=True):
        existing = dedupe.find(entry, key)
        if existing is not None:
            item = loaded.get(existing) or work.repository(Item).get(existing)
            loaded[existing] = item
            result.merged += 1
            result.changed += bool(item.merge(entry, source_id))
            continue
        item = _collect(entry, key, source_id)
        work.repository(Item).add(item)
        loaded[item.id] = item
        dedupe.remember(item.id, item.kind.value, key, canonical_url(entry.url),
                        title_block(entry.title), normalised_title(entry.title))  # fmt: skip
        result.new += 1
        result.item_ids.append(item.id)
        found = index.matching(_candidate(item))
        item.matched([s.id for s in found])
        for search in found:
            work.publish(
                integration.alert_matched(item, search, now),
                subject=search.person_id,
            )
        result.matched += len(found)
    return result


def _collect(entry: Entry, key: str, source_id: str) -> Item:
    return Item.collect(item_id(key), key, entry, source_id, relevance(entry.text))


def _candidate(item: Item) -> Candidate:
    facts = item.facts
    return Candidate(
        kind=item.kind.value,
        words=words(" ".join((facts.title, facts.summary, " ".join(facts.keywords)))),
        topics=frozenset(item.topics),
        countries=frozenset(facts.countries),
        relevance=item.relevance,
        pinned=item.pinned,
        audiences=frozenset(item.audiences),
    )
