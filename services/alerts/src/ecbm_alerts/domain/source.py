"""Sources: the feeds and APIs editors watch, each polled on its own schedule.

active ⇄ paused; removed is final. Health: ok until a fetch fails, degraded (with the last
error) until one succeeds again. After failures the next poll waits longer (backoff).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Self

from ecbm_alerts.domain.entry import ItemKind
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, RuleViolation


class SourceKind(StrEnum):
    FEED = "feed"  # RSS or Atom; its items take the source's item kind
    EURLEX = "eurlex"  # EUR-Lex RSS: policy documents with CELEX numbers
    OEIL = "oeil"  # Legislative Observatory procedure files (JSON)
    FUNDING = "funding"  # Funding & Tenders search API (POST)
    MANUAL = "manual"  # editors' own entries


class SourceState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    REMOVED = "removed"


class Health(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"


MAX_BACKOFF = timedelta(hours=24)


def next_poll_after(interval: timedelta, failures: int) -> timedelta:
    """The wait before the next poll: the interval, doubled per consecutive failure (≤ 24 h)."""
    longest = max(MAX_BACKOFF, interval)
    return min(interval * (1 << min(failures, 10)), longest)


class SourceAdded(DomainEvent):
    name: str
    kind: SourceKind
    url: str
    item_kind: ItemKind
    query: str
    interval_minutes: int
    added_by: str


class SourcePaused(DomainEvent):
    pass


class SourceResumed(DomainEvent):
    pass


class SourceRemoved(DomainEvent):
    pass


class SourceFetched(DomainEvent):
    """A fetch succeeded with new content (or after failures): validators for the next one."""

    etag: str
    last_modified: str
    entries: int
    new_items: int


class SourceFailed(DomainEvent):
    error: str
    failures: int


class SourceNotFound(NotFound):
    """No source has this id, or it was removed."""


class SourceNotActive(RuleViolation):
    """Only an active source can be paused, only a paused one resumed."""


class Source(Aggregate):
    """A watched source. Invariants: removed sources never change again; failures count
    consecutive failed fetches and reset on the first success."""

    stream_prefix = "source"

    name: str
    kind: SourceKind
    url: str
    item_kind: ItemKind
    query: str
    interval: timedelta
    state: SourceState
    etag: str
    last_modified: str
    failures: int
    last_error: str

    @classmethod
    def add(
        cls,
        id: str,
        *,
        name: str,
        kind: SourceKind,
        url: str,
        item_kind: ItemKind,
        query: str,
        interval_minutes: int,
        added_by: str,
    ) -> Self:
        source = cls(id)
        source.record(
            SourceAdded(
                name=name,
                kind=kind,
                url=url,
                item_kind=item_kind,
                query=query,
                interval_minutes=interval_minutes,
                added_by=added_by,
            )
        )
        return source

    @property
    def health(self) -> Health:
        return Health.DEGRADED if self.failures else Health.OK

    def pause(self) -> None:
        self._require(SourceState.ACTIVE, "paused")
        self.record(SourcePaused())

    def resume(self) -> None:
        self._require(SourceState.PAUSED, "resumed")
        self.record(SourceResumed())

    def remove(self) -> None:
        if self.state is SourceState.REMOVED:
            raise SourceNotFound(f"source {self.id!r} does not exist")
        self.record(SourceRemoved())

    def fetched(self, etag: str, last_modified: str, entries: int, new_items: int) -> None:
        """Record a successful fetch when it changes anything worth keeping."""
        changed = (etag, last_modified) != (self.etag, self.last_modified)
        if changed or self.failures or new_items:
            self.record(SourceFetched(etag=etag, last_modified=last_modified,
                                      entries=entries, new_items=new_items))  # fmt: skip

    def failed(self, error: str) -> None:
        self.record(SourceFailed(error=error[:500], failures=self.failures + 1))

    def wait_before_next_poll(self) -> timedelta:
        return next_poll_after(self.interval, self.failures)

    def _require(self, state: SourceState, verb: str) -> None:
        if self.state is SourceState.REMOVED:
            raise SourceNotFound(f"source {self.id!r} does not exist")
        if self.state is not state:
            raise SourceNotActive(f"source {self.id!r} is {self.state}, cannot be {verb}")

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: SourceAdded) -> None:
        self.name, self.kind, self.url = event.name, event.kind, event.url
        self.item_kind, self.query = event.item_kind, event.query
        self.interval = timedelta(minutes=event.interval_minutes)
        self.state = SourceState.ACTIVE
        self.etag = self.last_modified = self.last_error = ""
        self.failures = 0

    @apply.register
    def _(self, event: SourcePaused) -> None:
        self.state = SourceState.PAUSED

    @apply.register
    def _(self, event: SourceResumed) -> None:
        self.state = SourceState.ACTIVE

    @apply.register
    def _(self, event: SourceRemoved) -> None:
        self.state = SourceState.REMOVED

    @apply.register
    def _(self, event: SourceFetched) -> None:
        self.etag, self.last_modified = event.etag, event.last_modified
        self.failures, self.last_error = 0, ""

    @apply.register
    def _(self, event: SourceFailed) -> None:
        self.failures, self.last_error = event.failures, event.error


def is_due(next_poll: datetime | None, now: datetime) -> bool:
    """A source never polled (no time) is due at once."""
    return next_poll is None or now >= next_poll
