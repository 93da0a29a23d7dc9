"""Reads of the alerts' read models: what ``work.views`` and ``deps.read()`` give."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Connection,
    and_,
    false,
    func,
    insert,
    or_,
    select,
    update,
)

from ecbm_alerts.adapters.tables import (
    SEARCHES_VERSION,
    item_changes,
    item_matches,
    items,
    organisations,
    poll_schedule,
    sources,
    subscriptions,
)
from ecbm_alerts.domain.item import ItemFacts
from ecbm_alerts.domain.relevance import BEST, NOISE
from ecbm_alerts.domain.subscription import SavedSearch, SearchTerms
from ecbm_runtime.db import among, listed_in

T = TypeVar("T")


def aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SourceView:
    id: str
    name: str
    kind: str
    url: str
    item_kind: str
    query: str
    interval_minutes: int
    state: str
    health: str
    failures: int
    last_error: str
    etag: str
    last_modified: str
    last_success_time: datetime | None
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class ItemView:
    id: str
    kind: str
    identifier: str
    facts: ItemFacts
    relevance: float
    topics: tuple[str, ...]
    pinned: bool
    hidden: bool
    note: str
    picked: bool
    sources: tuple[str, ...]
    changes: tuple[tuple[datetime, tuple[str, ...]], ...]
    # (rapporteur's name, role) -> policy contact id (registry's RapporteurLinked).
    contacts: dict[tuple[str, str], str]
    create_time: datetime
    update_time: datetime


# The saved searches' change counter (``tables.SEARCHES_VERSION``).
SearchesVersion = int


@dataclass(frozen=True)
class Known:
    """An item as deduplication sees it."""

    id: str
    kind: str
    key: str
    canonical_url: str
    title_block: str
    normalised_title: str


@dataclass(frozen=True)
class SubscriptionView:
    id: str
    person_id: str
    terms: SearchTerms
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next_offset: int | None
    total_size: int


class AlertsViews:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # --- sources
    def source(self, source_id: str) -> SourceView | None:
        row = self._c.execute(select(sources).where(sources.c.id == source_id)).mappings().first()
        return _source(row) if row and row["state"] != "removed" else None

    def sources(self) -> list[SourceView]:
        query = select(sources).where(sources.c.state != "removed").order_by(sources.c.create_time)
        return [_source(r) for r in self._c.execute(query).mappings()]

    def poll_schedule(self) -> dict[str, datetime]:
        """When each source is due next (a source without a row is due now)."""
        rows = self._c.execute(select(poll_schedule.c.source_id, poll_schedule.c.next_poll_time))
        return {source_id: aware(at) for source_id, at in rows}

    def schedule_poll(self, source_id: str, at: datetime) -> None:
        """Written in the poll's transaction: the schedule is the worker's, kept in the
        database so that a restarted (or another) worker neither polls early nor forgets."""
        updated = self._c.execute(
            update(poll_schedule)
            .where(poll_schedule.c.source_id == source_id)
            .values(next_poll_time=at)
        )
        if not updated.rowcount:
            self._c.execute(insert(poll_schedule).values(source_id=source_id, next_poll_time=at))

    # --- organisations (registry's OrganisationRegistered: ids and kinds only)
    def organisation_kind(self, organisation_id: str) -> str | None:
        query = select(organisations.c.kind).where(organisations.c.id == organisation_id)
        return self._c.execute(query).scalar_one_or_none()

    def organisation_kinds(self) -> dict[str, str]:
        return dict(self._c.execute(select(organisations.c.id, organisations.c.kind)).all())

    def remember_organisation(self, organisation_id: str, kind: str) -> None:
        updated = self._c.execute(
            update(organisations).where(organisations.c.id == organisation_id).values(kind=kind)
        )
        if not updated.rowcount:
            self._c.execute(insert(organisations).values(id=organisation_id, kind=kind))
        SEARCHES_VERSION.move(self._c)  # a kind counts in the saved searches' index

    # --- items
    def item(self, item_id: str) -> ItemView | None:
        row = self._c.execute(select(items).where(items.c.id == item_id)).mappings().first()
        if row is None:
            return None
        history = self._c.execute(
            select(item_changes.c.recorded_at, item_changes.c.changes)
            .where(item_changes.c.item_id == item_id)
            .order_by(item_changes.c.version)
        )
        return _item(row, tuple((aware(at), tuple(c)) for at, c in history))

    def known(self, keys: Sequence[str], urls: Sequence[str]) -> list[Known]:
        """Items already stored under one of these keys or canonical URLs."""
        return self.candidates(keys, urls, (), ())[0]

    def candidates(
        self,
        keys: Sequence[str],
        urls: Sequence[str],
        blocks: Sequence[str],
        kinds: Sequence[str],
    ) -> tuple[list[Known], SearchesVersion]:
        """What deduplication compares entries with: items stored under one of these keys or
        canonical URLs, or of one of ``kinds`` whose titles share one of ``blocks`` (see
        ``title_block``); and the saved searches' change counter, so a cached index is
        reused while what it is built from stays as it was. One statement, one round trip;
        each condition on an index."""
        keys, urls, blocks = (sorted({v for v in vs if v}) for vs in (keys, urls, blocks))
        conditions = [
            among(self._c, column, values)
            for column, values in ((items.c.key, keys), (items.c.canonical_url, urls))
            if values
        ]
        if blocks and kinds:  # (kind, title_block) is the index
            conditions.append(
                and_(
                    among(self._c, items.c.kind, sorted(set(kinds))),
                    among(self._c, items.c.title_block, blocks),
                )
            )
        version = select(SEARCHES_VERSION.value(self._c).label("version")).subquery()
        query = select(version.c.version, *_KNOWN_COLUMNS).select_from(
            version.outerjoin(items, or_(*conditions) if conditions else false())
        )
        rows = list(self._c.execute(query))
        found = [Known(*row[1:]) for row in rows if row[1] is not None]
        return found, int(rows[0][0])

    def page(
        self,
        *,
        query_words: frozenset[str],
        kinds: list[str],
        topic: str,
        best_only: bool,
        editor: bool,
        size: int,
        offset: int,
    ) -> Page[ItemView]:
        """One page in the order members read them: pinned first, then the most relevant,
        the id breaking ties; filtered, ordered, counted and cut in the database."""
        shown = []
        if not editor:  # editors see noise and hidden items too
            floor = BEST if best_only else NOISE
            shown += [~items.c.hidden, or_(items.c.pinned, items.c.relevance >= floor)]
        elif best_only:
            shown.append(or_(items.c.pinned, items.c.relevance >= BEST))
        if kinds:
            shown.append(among(self._c, items.c.kind, kinds))
        if topic:
            shown.append(listed_in(self._c, items.c.topics, topic))
        shown += [items.c.normalised_title.contains(w, autoescape=True) for w in query_words]
        total = self._c.execute(select(func.count()).select_from(items).where(*shown)).scalar_one()
        window = (
            select(items)
            .where(*shown)
            .order_by(items.c.pinned.desc(), items.c.relevance.desc(), items.c.id)
            .limit(size)
            .offset(offset)
        )
        rows = [_item(r, ()) for r in self._c.execute(window).mappings()]
        return Page(rows, offset + size if total > offset + size else None, int(total))

    def calls_due(self, on: date) -> list[str]:
        """Funding calls with a deadline on ``on``."""
        query = select(items.c.id).where(
            items.c.kind == "funding_call", items.c.next_deadline == on
        )
        return list(self._c.execute(query).scalars())

    def matched_subscriptions(self, item_id: str) -> list[SubscriptionView]:
        query = (
            select(subscriptions)
            .join(item_matches, item_matches.c.subscription_id == subscriptions.c.id)
            .where(item_matches.c.item_id == item_id)
        )
        return [_subscription(r) for r in self._c.execute(query).mappings()]

    # --- subscriptions
    def subscription(self, subscription_id: str) -> SubscriptionView | None:
        query = select(subscriptions).where(subscriptions.c.id == subscription_id)
        row = self._c.execute(query).mappings().first()
        return _subscription(row) if row else None

    def subscriptions_of(self, person_id: str) -> list[SubscriptionView]:
        query = select(subscriptions).where(subscriptions.c.person_id == person_id)
        return [
            _subscription(r) for r in self._c.execute(query.order_by(subscriptions.c.id)).mappings()
        ]

    def saved_searches(self) -> list[SavedSearch]:
        """Every live search, with its subscriber's organisation kind (one statement)."""
        rows = self._c.execute(
            select(
                subscriptions.c.id,
                subscriptions.c.person_id,
                subscriptions.c.terms,
                organisations.c.kind,
            ).outerjoin(organisations, organisations.c.id == subscriptions.c.organisation_id)
        )
        return [
            SavedSearch.of(id, person, SearchTerms.model_validate(terms), kind or "")
            for id, person, terms, kind in rows
        ]

    def count_items(self) -> int:
        return int(self._c.execute(select(func.count()).select_from(items)).scalar_one())


_KNOWN_COLUMNS = (
    items.c.id,
    items.c.kind,
    items.c.key,
    items.c.canonical_url,
    items.c.title_block,
    items.c.normalised_title,
)


def _source(row: Any) -> SourceView:
    last = row["last_success_time"]
    return SourceView(
        **{k: row[k] for k in _SOURCE_COLUMNS},
        last_success_time=aware(last) if last else None,
        create_time=aware(row["create_time"]),
        update_time=aware(row["update_time"]),
    )


_SOURCE_COLUMNS = (
    "id", "name", "kind", "url", "item_kind", "query", "interval_minutes", "state", "health",
    "failures", "last_error", "etag", "last_modified",
)  # fmt: skip


def _item(row: Any, changes: tuple[tuple[datetime, tuple[str, ...]], ...]) -> ItemView:
    return ItemView(
        id=row["id"],
        kind=row["kind"],
        identifier=row["identifier"],
        facts=ItemFacts.model_validate(row["facts"]),
        relevance=row["relevance"],
        topics=tuple(row["topics"]),
        pinned=row["pinned"],
        hidden=row["hidden"],
        note=row["note"],
        picked=row["picked"],
        sources=tuple(row["sources"]),
        changes=changes,
        contacts={(c["rapporteur"], c["role"]): c["policy_contact_id"] for c in row["contacts"]},
        create_time=aware(row["create_time"]),
        update_time=aware(row["update_time"]),
    )


def _subscription(row: Any) -> SubscriptionView:
    return SubscriptionView(
        id=row["id"],
        person_id=row["person_id"],
        terms=SearchTerms.model_validate(row["terms"]),
        create_time=aware(row["create_time"]),
        update_time=aware(row["update_time"]),
    )
