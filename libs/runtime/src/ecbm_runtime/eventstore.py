"""Append-only event store on SQLAlchemy Core, the same code on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.db import is_postgresql
from ecbm_runtime.errors import Conflict
from ecbm_runtime.tables import events

# One advisory lock key for the whole store: appends serialise, so positions become
# visible in commit order and a reader tailing by position never skips one.
STORE_LOCK_KEY = 0x0ECB_E5


class VersionConflict(Conflict):
    """The stream moved on since the caller loaded it."""

    def __init__(self, stream_id: str, expected: int, actual: int | None = None) -> None:
        found = "" if actual is None else f", found {actual}"
        super().__init__(f"{stream_id} changed concurrently: expected version {expected}{found}")
        self.stream_id = stream_id
        self.expected = expected


@dataclass(frozen=True)
class NewEvent:
    type: str
    data: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredEvent:
    position: int
    stream_id: str
    version: int
    type: str
    data: dict[str, Any]
    metadata: dict[str, Any]
    recorded_at: datetime


class EventStore:
    """Streams of events with optimistic concurrency and one global order."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def append(
        self, stream_id: str, expected_version: int, new_events: Sequence[NewEvent]
    ) -> list[StoredEvent]:
        """Append after ``expected_version`` (0 for a new stream) or raise VersionConflict."""
        if not new_events:
            return []
        self._serialise_appends()
        actual = self.current_version(stream_id)
        if actual != expected_version:
            raise VersionConflict(stream_id, expected_version, actual)
        recorded_at = datetime.now(UTC)
        rows: list[dict[str, Any]] = [
            {
                "stream_id": stream_id,
                "version": expected_version + offset,
                "type": event.type,
                "data": event.data,
                "metadata": event.metadata,
                "recorded_at": recorded_at,
            }
            for offset, event in enumerate(new_events, start=1)
        ]
        try:
            positions = (
                self.connection.execute(
                    insert(events).returning(events.c.position, sort_by_parameter_order=True), rows
                )
                .scalars()
                .all()
            )
        except IntegrityError as error:
            raise VersionConflict(stream_id, expected_version) from error
        return [
            StoredEvent(position=position, **row)
            for position, row in zip(positions, rows, strict=True)
        ]

    def _serialise_appends(self) -> None:
        """Wait until no other transaction can append (on SQLite, BEGIN IMMEDIATE did that)."""
        if is_postgresql(self.connection):
            self.connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORE_LOCK_KEY}
            )

    def current_version(self, stream_id: str) -> int:
        query = select(func.coalesce(func.max(events.c.version), 0)).where(
            events.c.stream_id == stream_id
        )
        return int(self.connection.execute(query).scalar_one())

    def load(self, stream_id: str) -> list[StoredEvent]:
        query = select(events).where(events.c.stream_id == stream_id).order_by(events.c.version)
        return [_stored(row) for row in self.connection.execute(query).mappings()]

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Events with a position above ``after_position``, in commit order."""
        query = (
            select(events)
            .where(events.c.position > after_position)
            .order_by(events.c.position)
            .limit(limit)
        )
        return [_stored(row) for row in self.connection.execute(query).mappings()]

    def max_position(self) -> int:
        query = select(func.coalesce(func.max(events.c.position), 0))
        return int(self.connection.execute(query).scalar_one())


def _stored(row: Any) -> StoredEvent:
    recorded_at = row["recorded_at"]
    if recorded_at.tzinfo is None:  # SQLite hands back naive datetimes
        recorded_at = recorded_at.replace(tzinfo=UTC)
    return StoredEvent(
        position=row["position"],
        stream_id=row["stream_id"],
        version=row["version"],
        type=row["type"],
        data=row["data"],
        metadata=row["metadata"],
        recorded_at=recorded_at,
    )


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventType(LookupError):
    pass


class EventCodec:
    """Turns domain events into stored rows and back, upcasting old schema versions.

    Stored metadata carries ``schema_version``; an upcaster registered for
    (type, n) turns version-n data into version n+1 until the class's version.
    """

    def __init__(self, event_classes: Iterable[type[DomainEvent]] = ()) -> None:
        self._classes: dict[str, type[DomainEvent]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        for cls in event_classes:
            self.register(cls)

    def register(self, cls: type[DomainEvent]) -> None:
        self._classes[cls.__name__] = cls

    def register_upcaster(self, type_name: str, from_version: int, upcaster: Upcaster) -> None:
        self._upcasters[(type_name, from_version)] = upcaster

    def encode(self, event: DomainEvent, metadata: dict[str, Any]) -> NewEvent:
        return NewEvent(
            type=type(event).__name__,
            data=event.model_dump(mode="json"),
            metadata={**metadata, "schema_version": event.schema_version},
        )

    def decode(self, stored: StoredEvent) -> DomainEvent:
        cls = self._classes.get(stored.type)
        if cls is None:
            raise UnknownEventType(stored.type)
        data = stored.data
        version = int(stored.metadata.get("schema_version", 1))
        while version < cls.schema_version:
            data = self._upcasters[(stored.type, version)](data)
            version += 1
        return cls.model_validate(data)
