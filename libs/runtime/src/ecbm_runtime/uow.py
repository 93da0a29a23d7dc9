"""Unit of work: new events, projection rows, outbox rows and the inbox claim commit together.

``UnitOfWork`` is the port handlers see: repositories of aggregates, the service's views
bound to the transaction, ``lock_appends``, ``publish`` and ``commit``. ``SqlUnitOfWork``
is the one for SQLite and PostgreSQL; ``ecbm_runtime.in_memory`` has a twin for unit tests.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine

from ecbm_runtime import idempotency, metrics
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import run_after_commit, take_after_commit
from ecbm_runtime.errors import NotFound
from ecbm_runtime.eventstore import EventCodec, EventStore, StoredEvent, StreamAppend, store_for
from ecbm_runtime.idempotency import IdempotentRequest, RequestClaim
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.outbox import IntegrationEventLike, OutboxEntry

__all__ = [
    "BatchProjection",
    "EventWiring",
    "IntegrationEventLike",
    "Projection",
    "Repository",
    "SqlUnitOfWork",
    "Translation",
    "UnitOfWork",
]

Projection = Callable[[Connection, Any, StoredEvent], None]
Translation = Callable[[Any, StoredEvent], IntegrationEventLike | None]
Projected = Sequence[tuple[Any, StoredEvent]]
# Each saved aggregate's new events with their stored records, in order.
Saved = list[list[tuple[DomainEvent, StoredEvent]]]


@dataclass(frozen=True)
class BatchProjection:
    """A projection written for many events of one type at once (set-based statements).

    A unit of work that saves many aggregates (a bulk import) hands it all their events of
    that type in one call; called with one event, it is an ordinary ``Projection``.
    """

    many: Callable[[Connection, Projected], None]

    def __call__(self, connection: Connection, event: Any, record: StoredEvent) -> None:
        self.many(connection, [(event, record)])


def no_subject(event: IntegrationEventLike) -> str | None:
    """The ``EventWiring.subject`` of a service whose events name no person."""
    return None


@dataclass(frozen=True)
class EventWiring:
    """How one service stores, projects and publishes its domain events.

    ``projections`` and ``integration`` are routing tables keyed by domain event class:
    projections update read-model rows; integration builds the published event.
    ``subject`` names the person a published event is about, so that forgetting them
    finds its outbox rows (``UnitOfWork.forget_subject``).
    """

    codec: EventCodec
    service: str = ""  # label of the events-appended metric
    projections: Mapping[type[DomainEvent], Sequence[Projection]] = field(default_factory=dict)
    integration: Mapping[type[DomainEvent], Translation] = field(default_factory=dict)
    subject: Callable[[IntegrationEventLike], str | None] = no_subject


A = TypeVar("A", bound=Aggregate)
V = TypeVar("V")


class Repository(Generic[A]):
    """Loads aggregates of one class from their streams and tracks them for saving."""

    def __init__(self, uow: UnitOfWork[Any], aggregate_class: type[A]) -> None:
        self._uow = uow
        self._class = aggregate_class

    def find(self, id: str) -> A | None:
        stored = self._uow.store.load(self._class.stream_id_for(id))
        if not stored:
            return None
        aggregate = self._class.rebuild(id, (self._uow.codec.decode(e) for e in stored))
        self._uow.track(aggregate)
        return aggregate

    def get(self, id: str) -> A:
        aggregate = self.find(id)
        if aggregate is None:
            raise NotFound(f"{self._class.__name__.lower()} {id!r} does not exist")
        return aggregate

    def exists(self, id: str) -> bool:
        return self._uow.store.current_version(self._class.stream_id_for(id)) > 0

    def add(self, aggregate: A) -> None:
        self._uow.track(aggregate)


class UnitOfWork(ABC, Generic[V]):
    """One transaction around a use case: what a command handler sees.

    ``views`` is the service's own object over its read models (and the few tables it keeps
    outside the event store), bound to this transaction. ``commit`` appends every tracked
    aggregate's new events, runs the projections and writes outbox rows for integration
    events, all in the one transaction. A handler never sees a database connection.
    """

    store: EventStore
    codec: EventCodec
    views: V

    def __init__(
        self, wiring: EventWiring, context: MessageContext, claim: Delivery | None
    ) -> None:
        self.wiring = wiring
        self.context = context
        # Once per unit of work: without a correlation id in the context, every event and
        # published message of this unit still shares the one made up here.
        self._metadata = context.event_metadata()
        self._claim = claim
        # The calls whose commands this unit saves besides its own (``on_behalf_of``).
        self._behalf: list[MessageContext] = []
        # Each tracked aggregate with the metadata its new events are stored with.
        self._tracked: list[tuple[Aggregate, dict[str, Any]]] = []
        self._entries: list[OutboxEntry] = []
        self._appended: list[str] = []

    @abstractmethod
    def __enter__(self) -> Self: ...

    @abstractmethod
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def _begin(self) -> None:
        """Reset the tracked state and claim the delivery, first thing in the transaction."""
        self._tracked, self._entries, self._appended, self._behalf = [], [], [], []
        if self._claim is not None:
            self.store.claim(self._claim)

    def repository(self, aggregate_class: type[A]) -> Repository[A]:
        return Repository(self, aggregate_class)

    def track(self, aggregate: Aggregate) -> None:
        if all(aggregate is not seen for seen, _ in self._tracked):
            self._tracked.append((aggregate, self._metadata))

    @contextmanager
    def on_behalf_of(self, context: MessageContext) -> Iterator[None]:
        """Aggregates tracked and messages published in the block carry ``context``'s ids.

        For a unit of work that saves the commands of several calls (``group_commit``):
        each call's events keep its own correlation id and actor, and the commit checks
        each call's deadline as it checks its own (a caller that gave up finds nothing
        committed behind its back).
        """
        self._behalf.append(context)
        outer, self._metadata = self._metadata, context.event_metadata()
        try:
            yield
        finally:
            self._metadata = outer

    def lock_appends(self, exclusive: bool = True) -> None:
        """Hold the store's append lock to the end of the transaction (see EventStore)."""
        self.store.lock_appends(exclusive)

    def claim_request(
        self, kind: str, request_id: str, payload: BaseModel | Mapping[str, Any]
    ) -> RequestClaim:
        """Claim a create's idempotency key, first thing in the transaction.

        The key is scoped to the acting subject of this unit's context (see
        ``ecbm_runtime.idempotency``). ``repeated``: this caller sent the same request
        before, so answer with ``resource_id`` and write nothing.
        """
        request = IdempotentRequest.of(kind, request_id, self.context.actor or "", payload)
        earlier = self._claim_request(request) if request_id else None
        return RequestClaim(earlier or request.resource_id, repeated=earlier is not None)

    def _claim_request(self, request: IdempotentRequest) -> str | None:
        raise NotImplementedError(f"{type(self).__name__} keeps no idempotency keys")

    def publish(self, event: IntegrationEventLike, subject: str | None = None) -> None:
        """Queue an integration event that no domain event translates to (see ``integration``)."""
        self._entries.append(OutboxEntry.of(event, self._metadata, subject))

    def forget_subject(self, subject: str) -> int:
        """Drop the outbox rows about ``subject``; how many (see EventStore)."""
        return self.store.forget_subject(subject)

    def flush(self) -> None:
        """Store new events, queue outbox rows, run projections; the transaction stays open.

        Every tracked aggregate's events go to the store in one append. Projections run
        last: a projection that updates a contended row (a counter of places) then holds
        its lock only until the COMMIT that follows, not across the outbox insert too.
        """
        pending = [(a, m, new) for a, m in self._tracked if (new := a.collect_new_events())]
        saved: Saved = []
        if pending:
            stored = self.store.append_streams(
                [
                    StreamAppend(
                        aggregate.stream_id,
                        aggregate.version - len(new),
                        [self.codec.encode(event, metadata) for event in new],
                    )
                    for aggregate, metadata, new in pending
                ]
            )
            saved = [
                list(zip(new, records, strict=True))
                for (_, _, new), records in zip(pending, stored, strict=True)
            ]
            self._appended += [record.type for records in stored for record in records]
            self._entries += self._translated(saved)
        if self._entries:
            entries, self._entries = self._entries, []
            self._queued(self.store.add_to_outbox(entries))
        if saved:
            self._project(saved)

    def _translated(self, saved: Saved) -> list[OutboxEntry]:
        """The integration events of the saved events, in each aggregate's order."""
        entries: list[OutboxEntry] = []
        for event, record in itertools.chain.from_iterable(saved):
            translate = self.wiring.integration.get(type(event))
            published = translate(event, record) if translate else None
            if published is not None:
                subject = self.wiring.subject(published)
                entries.append(
                    OutboxEntry.of(published, record.metadata, subject, record.stream_id)
                )
        return entries

    @abstractmethod
    def _project(self, saved: Saved) -> None: ...

    @abstractmethod
    def _queued(self, messages: list[Any]) -> None: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    def check_deadlines(self) -> None:
        """Raise ``DeadlineExceeded`` if any caller this unit commits for has given up."""
        self.context.check_deadline()
        for context in self._behalf:
            context.check_deadline()

    def _count_appended(self) -> None:
        for type_name in self._appended:
            metrics.events_appended.labels(self.wiring.service, type_name).inc()
        self._appended = []


class SqlUnitOfWork(UnitOfWork[V]):
    """The unit of work on SQLite or PostgreSQL: one connection, one transaction.

    After ``commit`` the outbox ids go to ``after_commit`` (the api's fast-path publisher).
    The ids are ``OutboxMessage``s: they carry their rows, so the publisher need not read
    them back. After ``commit`` the views stay usable for reads until the block ends (on
    PostgreSQL in autocommit: a query is one round trip), outside the store lock.
    """

    def __init__(
        self,
        engine: Engine,
        wiring: EventWiring,
        views: Callable[[Connection], V],
        context: MessageContext = MessageContext(),
        claim: Delivery | None = None,
        after_commit: Callable[[list[int]], None] | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__(wiring, context, claim)
        self._engine = engine
        self._views = views
        self._after_commit = after_commit
        self._read_only = read_only
        self._outbox_ids: list[int] = []
        self.committed_outbox_ids: list[int] = []

    def __enter__(self) -> Self:
        self.connection = self._engine.connect()
        if self._read_only:
            self.connection.execution_options(ecbm_read_only=True)
        self._transaction = self.connection.begin()
        self.store = store_for(self.connection)
        self.codec = self.wiring.codec.bound_to(self.connection)
        self.views = self._views(self.connection)
        self._outbox_ids = []
        try:
            self._begin()
        except BaseException:
            self._close(rollback=True)
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close(rollback=self._transaction.is_active)

    def _close(self, rollback: bool) -> None:
        if rollback:
            self._transaction.rollback()
        self.connection.close()  # also ends a read transaction begun after the commit

    def _project(self, saved: Saved) -> None:
        """Run the projections, each aggregate's events in order.

        Round k takes the k-th new event of every aggregate; within a round, a
        ``BatchProjection`` gets all its events of one type in one call. With one
        aggregate this is simply its events in order.
        """
        for round_ in itertools.zip_longest(*saved):
            calls: dict[tuple[Projection, type], list[tuple[DomainEvent, StoredEvent]]] = {}
            for item in round_:
                if item is not None:
                    for project in self.wiring.projections.get(type(item[0]), ()):
                        calls.setdefault((project, type(item[0])), []).append(item)
            for (project, _), items in calls.items():
                if isinstance(project, BatchProjection):
                    project.many(self.connection, items)
                else:
                    for event, record in items:
                        project(self.connection, event, record)

    def _queued(self, messages: list[Any]) -> None:
        self._outbox_ids += messages

    def _claim_request(self, request: IdempotentRequest) -> str | None:
        return idempotency.claim(self.connection, request)

    def commit(self) -> None:
        self.flush()
        self.check_deadlines()  # past a caller's deadline: roll back instead
        waiting = take_after_commit(self.connection)
        self._transaction.commit()
        self._read_after_commit()
        run_after_commit(self._engine, waiting, self.connection)
        self._count_appended()
        outbox_ids, self._outbox_ids = self._outbox_ids, []
        self.committed_outbox_ids = outbox_ids
        if outbox_ids and self._after_commit is not None:
            self._after_commit(outbox_ids)

    def rollback(self) -> None:
        self._transaction.rollback()

    def _read_after_commit(self) -> None:
        """Reads that follow the commit need no write lock (SQLite) nor transaction (PostgreSQL)."""
        options: dict[str, Any] = {"ecbm_read_only": True}
        if self.connection.dialect.name == "postgresql":
            options["isolation_level"] = "AUTOCOMMIT"
        self.connection.execution_options(**options)


def no_views(connection: Connection) -> None:
    """For a unit of work whose handlers read no views (tests, small services)."""
    return None
