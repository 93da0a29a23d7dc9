"""In-memory twins of the event store and the unit of work, for handler unit tests.

They keep the rules that matter to a handler (stream versions, one claim per delivery,
all-or-nothing commits, the outbox rows an event translates to) and none of the I/O.
Projections are SQL and do not run here: a handler's reads go to the fake views the test
gives it. ``in_memory_dependencies`` builds a service's ``Dependencies`` on them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

from ecbm_runtime.context import MessageContext
from ecbm_runtime.eventstore import EventStore, StoredEvent, StreamAppend, VersionConflict
from ecbm_runtime.idempotency import IdempotentRequest, earlier_resource
from ecbm_runtime.inbox import Delivery, DuplicateDelivery
from ecbm_runtime.outbox import OutboxEntry
from ecbm_runtime.uow import EventWiring, Saved, UnitOfWork

V = TypeVar("V")


@dataclass
class InMemoryRecords:
    """What a database would hold: events, outbox entries, claimed deliveries."""

    events: list[StoredEvent] = field(default_factory=list)
    outbox: list[OutboxEntry] = field(default_factory=list)
    inbox: set[tuple[str, str]] = field(default_factory=set)
    # Idempotency keys: key -> (fingerprint, resource id).
    requests: dict[str, tuple[str, str]] = field(default_factory=dict)

    def published(self, event_type: str) -> list[OutboxEntry]:
        """The outbox entries of one integration event type, in order."""
        return [entry for entry in self.outbox if entry.routing_key == event_type]

    def stream(self, stream_id: str) -> list[StoredEvent]:
        return [event for event in self.events if event.stream_id == stream_id]


class InMemoryEventStore(EventStore):
    """An event store over ``InMemoryRecords``; its writes land there only on ``commit``."""

    def __init__(self, records: InMemoryRecords) -> None:
        self._records = records
        self._pending = InMemoryRecords()
        self._forgotten: set[str] = set()  # event ids of committed entries to drop

    def _all_events(self) -> list[StoredEvent]:
        return self._records.events + self._pending.events

    def append_streams(self, appends: Sequence[StreamAppend]) -> list[list[StoredEvent]]:
        for append in appends:
            actual = self.current_version(append.stream_id)
            if actual != append.expected_version:
                raise VersionConflict(append.stream_id, append.expected_version, actual)
        position = self.max_position()
        now = datetime.now(UTC)
        result: list[list[StoredEvent]] = []
        for append in appends:
            stored = []
            for offset, new in enumerate(append.new_events, start=1):
                position += 1
                stored.append(
                    StoredEvent(
                        position=position,
                        stream_id=append.stream_id,
                        version=append.expected_version + offset,
                        type=new.type,
                        data=copy.deepcopy(new.data),
                        metadata=dict(new.metadata),
                        recorded_at=now,
                    )
                )
            self._pending.events += stored
            result.append(stored)
        return result

    def lock_appends(self, exclusive: bool = True) -> None:
        """One thread, one transaction at a time: nothing to wait for."""

    def current_version(self, stream_id: str) -> int:
        return max((e.version for e in self._all_events() if e.stream_id == stream_id), default=0)

    def load(self, stream_id: str) -> list[StoredEvent]:
        return [e for e in self._all_events() if e.stream_id == stream_id]

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        return [e for e in self._all_events() if e.position > after_position][:limit]

    def max_position(self) -> int:
        return max((e.position for e in self._all_events()), default=0)

    def claim(self, delivery: Delivery) -> None:
        key = (delivery.handler, delivery.event_id)
        if key in self._records.inbox or key in self._pending.inbox:
            raise DuplicateDelivery(f"{delivery.handler} already handled {delivery.event_id}")
        self._pending.inbox.add(key)

    def claim_request(self, request: IdempotentRequest) -> str | None:
        """As ``idempotency.claim`` does on a database."""
        earlier = self._records.requests.get(request.key) or self._pending.requests.get(request.key)
        if earlier is not None:
            return earlier_resource(request, *earlier)
        self._pending.requests[request.key] = (request.fingerprint, request.resource_id)
        return None

    def add_to_outbox(self, entries: Sequence[OutboxEntry]) -> list[Any]:
        self._pending.outbox += entries
        return list(entries)

    def redact(
        self,
        stream_id: str,
        fields: Mapping[str, Mapping[str, Any]],
        metadata: Mapping[str, Any] | None = None,
    ) -> int:
        changed = 0
        for records in (self._records, self._pending):
            for index, event in enumerate(records.events):
                if event.stream_id == stream_id:
                    records.events[index] = replace(
                        event,
                        data={**event.data, **fields.get(event.type, {})},
                        metadata={**event.metadata, **(metadata or {})},
                    )
                    changed += 1
        return changed

    def forget_subject(self, subject: str) -> int:
        """As the SQL stores' DELETE does: the entries queued so far go, and committed ones
        go from the records on commit; entries queued later stay."""
        kept = [entry for entry in self._pending.outbox if entry.subject != subject]
        forgotten = len(self._pending.outbox) - len(kept)
        self._pending.outbox = kept
        committed = {e.event_id for e in self._records.outbox if e.subject == subject}
        self._forgotten |= committed
        return forgotten + len(committed)

    def commit(self) -> None:
        self._records.events += self._pending.events
        self._records.outbox[:] = [
            entry for entry in self._records.outbox if entry.event_id not in self._forgotten
        ] + self._pending.outbox
        self._records.inbox |= self._pending.inbox
        self._records.requests |= self._pending.requests
        self._pending, self._forgotten = InMemoryRecords(), set()


class InMemoryUnitOfWork(UnitOfWork[V]):
    """The unit of work on ``InMemoryRecords``, with the views the test hands it."""

    def __init__(
        self,
        records: InMemoryRecords,
        wiring: EventWiring,
        views: V,
        context: MessageContext = MessageContext(),
        claim: Delivery | None = None,
    ) -> None:
        super().__init__(wiring, context, claim)
        self._records = records
        self.views = views
        self.committed = False

    def __enter__(self) -> Self:
        self._memory = InMemoryEventStore(self._records)
        self.store = self._memory
        self.codec = self.wiring.codec.bound_to(None)
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def _project(self, saved: Saved) -> None:
        """Projections write SQL read models; a unit test reads its fake views instead."""

    def _queued(self, messages: list[Any]) -> None:
        """The entries are in the store's pending records already."""

    def _claim_request(self, request: IdempotentRequest) -> str | None:
        return self._memory.claim_request(request)

    def commit(self) -> None:
        self.flush()
        self.check_deadlines()
        self._memory.commit()
        self._count_appended()
        self.committed = True

    def rollback(self) -> None:
        self._memory = InMemoryEventStore(self._records)
        self.store = self._memory


def in_memory_units_of_work(
    records: InMemoryRecords, wiring: EventWiring, views: V
) -> Callable[[MessageContext, Delivery | None], UnitOfWork[V]]:
    """``Dependencies.units_of_work`` for a unit test: every unit of work on ``records``."""

    def open_unit(context: MessageContext, claim: Delivery | None) -> UnitOfWork[V]:
        return InMemoryUnitOfWork(records, wiring, views, context, claim)

    return open_unit


def fixed_views(views: V) -> Callable[[], AbstractContextManager[V]]:
    """``Dependencies.read_views`` for a unit test: always the same fake views."""

    @contextmanager
    def read() -> Iterator[V]:
        yield views

    return read
