"""Unit of work: new events, projection rows, outbox rows and the inbox claim commit together."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from sqlalchemy import Connection, Engine, insert

from ecbm_runtime import metrics
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.db import is_postgresql
from ecbm_runtime.errors import NotFound
from ecbm_runtime.eventstore import EventCodec, EventStore, StoredEvent, StreamAppend
from ecbm_runtime.inbox import claim, current_delivery
from ecbm_runtime.outbox import OutboxMessage
from ecbm_runtime.tables import outbox

# Built once; a multi-row INSERT ... RETURNING for every outbox row of a commit.
_INSERT_OUTBOX = insert(outbox).returning(outbox.c.id, sort_by_parameter_order=True)


class IntegrationEventLike(Protocol):
    """What the outbox needs of a published event (see ecbm_integration.IntegrationEvent)."""

    source: ClassVar[str]
    schema_version: ClassVar[int]

    @classmethod
    def event_type(cls) -> str: ...

    def model_dump_json(self) -> str: ...


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


MetadataProvider = Callable[[], dict[str, Any]]


def _no_metadata() -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class EventWiring:
    """How one service stores, projects and publishes its domain events.

    ``projections`` and ``integration`` are routing tables keyed by domain event class:
    projections update read-model rows; integration builds the published event.
    """

    codec: EventCodec
    service: str = ""  # label of the events-appended metric
    projections: Mapping[type[DomainEvent], Sequence[Projection]] = field(default_factory=dict)
    integration: Mapping[type[DomainEvent], Translation] = field(default_factory=dict)
    metadata: MetadataProvider = _no_metadata


A = TypeVar("A", bound=Aggregate)


class Repository(Generic[A]):
    """Loads aggregates of one class from their streams and tracks them for saving."""

    def __init__(self, uow: UnitOfWork, aggregate_class: type[A]) -> None:
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


class UnitOfWork:
    """One database transaction around a use case.

    ``commit`` appends every tracked aggregate's new events, runs the projections and
    writes outbox rows for integration events, all in the one transaction; then hands
    the outbox ids to ``after_commit`` (the api's fast-path publisher). The ids are
    ``OutboxMessage``s: they carry their rows, so the publisher need not read them back.

    After ``commit`` the connection stays usable for reads until the block ends (on
    PostgreSQL in autocommit: a query is one round trip). Reading a view there, rather
    than after ``flush``, keeps the read out of the section that holds the store lock.
    """

    def __init__(
        self,
        engine: Engine,
        wiring: EventWiring,
        after_commit: Callable[[list[int]], None] | None = None,
        read_only: bool = False,
    ) -> None:
        self._engine = engine
        self.wiring = wiring
        self.codec = wiring.codec
        self._after_commit = after_commit
        self._read_only = read_only
        self._tracked: list[Aggregate] = []
        self._outbox_ids: list[int] = []
        self._appended: list[str] = []
        self.committed_outbox_ids: list[int] = []

    def __enter__(self) -> Self:
        self.connection = self._engine.connect()
        if self._read_only:
            self.connection.execution_options(ecbm_read_only=True)
        self._transaction = self.connection.begin()
        self.store = EventStore(self.connection)
        self._tracked = []
        self._outbox_ids = []
        self._appended = []
        delivery = current_delivery.get()
        if delivery is not None and not self._read_only:
            try:
                claim(self.connection, delivery)
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

    def repository(self, aggregate_class: type[A]) -> Repository[A]:
        return Repository(self, aggregate_class)

    def track(self, aggregate: Aggregate) -> None:
        if all(aggregate is not seen for seen in self._tracked):
            self._tracked.append(aggregate)

    def flush(self) -> None:
        """Store new events, run projections, queue outbox rows; the transaction stays open.

        Lets a handler read its own writes inside the transaction. To return the
        projected view, read it after ``commit`` instead (see the class docstring).
        Every tracked aggregate's events go to the store in one append.
        """
        pending = [(a, new) for a in self._tracked if (new := a.collect_new_events())]
        if not pending:
            return
        metadata = self.wiring.metadata()
        stored = self.store.append_streams(
            [
                StreamAppend(
                    aggregate.stream_id,
                    aggregate.version - len(new),
                    [self.codec.encode(event, metadata) for event in new],
                )
                for aggregate, new in pending
            ]
        )
        saved = [
            list(zip(new, records, strict=True))
            for (_, new), records in zip(pending, stored, strict=True)
        ]
        self._appended += [record.type for records in stored for record in records]
        self._project(saved)
        rows = self._outbox_rows(saved)
        if rows:
            self._outbox_ids += self._insert_outbox(rows)

    def _outbox_rows(self, saved: Saved) -> list[dict[str, Any]]:
        """The integration events of the saved events, in each aggregate's order."""
        rows: list[dict[str, Any]] = []
        for event, record in itertools.chain.from_iterable(saved):
            translate = self.wiring.integration.get(type(event))
            published = translate(event, record) if translate else None
            if published is not None:
                rows.append(_outbox_row(published, record.metadata))
        return rows

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

    def commit(self) -> None:
        self.flush()
        self._transaction.commit()
        self._read_after_commit()
        for type_name in self._appended:
            metrics.events_appended.labels(self.wiring.service, type_name).inc()
        outbox_ids, self._outbox_ids = self._outbox_ids, []
        self.committed_outbox_ids = outbox_ids
        if outbox_ids and self._after_commit is not None:
            self._after_commit(outbox_ids)

    def rollback(self) -> None:
        self._transaction.rollback()

    def _read_after_commit(self) -> None:
        """Reads that follow the commit need no write lock (SQLite) nor transaction (PostgreSQL)."""
        options: dict[str, Any] = {"ecbm_read_only": True}
        if is_postgresql(self.connection):
            options["isolation_level"] = "AUTOCOMMIT"
        self.connection.execution_options(**options)

    def add_to_outbox(self, event: IntegrationEventLike, metadata: Mapping[str, Any]) -> int:
        """Queue an integration event for publishing; returns its outbox id."""
        (message,) = self._insert_outbox([_outbox_row(event, metadata)])
        return message

    def _insert_outbox(self, rows: list[dict[str, Any]]) -> list[OutboxMessage]:
        inserted = self.connection.execute(_INSERT_OUTBOX, rows[0] if len(rows) == 1 else rows)
        ids = inserted.scalars().all()
        return [OutboxMessage.of(id, row) for id, row in zip(ids, rows, strict=True)]


def _outbox_row(event: IntegrationEventLike, metadata: Mapping[str, Any]) -> dict[str, Any]:
    event_id = uuid.uuid4().hex
    headers = {
        "event_id": event_id,
        "correlation_id": metadata.get("correlation_id") or event_id,
        "causation_id": metadata.get("causation_id") or metadata.get("correlation_id") or event_id,
        "schema_version": event.schema_version,
        "source": event.source,
    }
    return {
        "event_id": event_id,
        "exchange": f"{event.source}.events",
        "routing_key": event.event_type(),
        "body": event.model_dump_json(),
        "headers": headers,
        "created_at": datetime.now(UTC),
    }
