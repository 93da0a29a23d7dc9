"""Append-only event store on SQLAlchemy Core, the same code on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, NoReturn

from sqlalchemy import Connection, TextClause, bindparam, delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError

from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.db import is_postgresql
from ecbm_runtime.errors import Conflict
from ecbm_runtime.tables import events

# One advisory lock key for the whole store: appends serialise, so positions become
# visible in commit order and a reader tailing by position never skips one.
STORE_LOCK_KEY = 0x0ECB_E5

# PostgreSQL append in one round trip, for one stream or many (a unit of work saving
# several aggregates): take the store lock, then insert the new events.
# - The lock is taken inside the statement, before any row is produced, so every
#   position (the column's nextval, evaluated per inserted row) is drawn under the lock
#   and positions become visible in commit order (the tailing test has teeth for this).
# - ``ON CONFLICT DO NOTHING`` on (stream_id, version): a stream that moved on yields
#   fewer rows instead of an aborted transaction, so the conflict can say what it found.
#   It waits for a concurrent insert of the same version like the unique index does.
# - An ``expected`` above 0 must exist already (else the stream is behind the caller and
#   the append would leave a gap); versions are never removed, so the statement's
#   snapshot, taken before the lock, is recent enough to check that.
_PG_APPEND_SQL = """
    {lock}INSERT INTO events (stream_id, version, type, data, metadata, recorded_at)
    SELECT new.value ->> 'stream_id', CAST(new.value ->> 'version' AS integer),
           new.value ->> 'type', new.value -> 'data', new.value -> 'metadata', :recorded_at
    FROM {locked}jsonb_array_elements(:new_events) WITH ORDINALITY AS new(value, n)
    WHERE CAST(new.value ->> 'expected' AS integer) = 0 OR EXISTS (
        SELECT 1 FROM events
        WHERE stream_id = new.value ->> 'stream_id'
          AND version = CAST(new.value ->> 'expected' AS integer)
    )
    ORDER BY new.n
    ON CONFLICT (stream_id, version) DO NOTHING
    RETURNING position, stream_id, version
"""


def _pg_append(locked: bool) -> TextClause:
    sql = _PG_APPEND_SQL.format(
        lock="WITH store_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(:lock_key))\n"
        if locked
        else "",
        locked="store_lock, " if locked else "",
    )
    statement = text(sql).bindparams(bindparam("new_events", type_=JSONB))
    return statement.bindparams(lock_key=STORE_LOCK_KEY) if locked else statement


_PG_APPEND = {True: _pg_append(locked=True), False: _pg_append(locked=False)}
_CURRENT_VERSION = select(func.coalesce(func.max(events.c.version), 0)).where(
    events.c.stream_id == bindparam("stream_id")
)
_LOAD = (
    select(events).where(events.c.stream_id == bindparam("stream_id")).order_by(events.c.version)
)
_INSERT = insert(events).returning(events.c.position, sort_by_parameter_order=True)


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
class StreamAppend:
    """New events for one stream, to go after ``expected_version`` (0: a new stream)."""

    stream_id: str
    expected_version: int
    new_events: Sequence[NewEvent]


@dataclass(frozen=True)
class StoredEvent:
    position: int
    stream_id: str
    version: int
    type: str
    data: dict[str, Any]
    metadata: dict[str, Any]
    recorded_at: datetime

    @property
    def entity_id(self) -> str:
        """The aggregate's id: the stream id without its prefix (``Aggregate.stream_id_for``)."""
        return self.stream_id.split("-", 1)[1]


class EventStore:
    """Streams of events with optimistic concurrency and one global order."""

    # Only tests turn this off, to show what the store lock protects against.
    serialise_appends: ClassVar[bool] = True

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def append(
        self, stream_id: str, expected_version: int, new_events: Sequence[NewEvent]
    ) -> list[StoredEvent]:
        """Append after ``expected_version`` (0 for a new stream) or raise VersionConflict."""
        (stored,) = self.append_streams([StreamAppend(stream_id, expected_version, new_events)])
        return stored

    def append_streams(self, appends: Sequence[StreamAppend]) -> list[list[StoredEvent]]:
        """Append to several streams at once, all or none; the stored events of each.

        One statement whatever the number of streams (a bulk import saves hundreds of
        aggregates in one unit of work). Any stream that moved on raises VersionConflict
        for it and leaves nothing of the others.
        """
        recorded_at = datetime.now(UTC)
        rows: list[dict[str, Any]] = [
            {
                "stream_id": append.stream_id,
                "version": append.expected_version + offset,
                "type": event.type,
                "data": event.data,
                "metadata": event.metadata,
                "recorded_at": recorded_at,
            }
            for append in appends
            for offset, event in enumerate(append.new_events, start=1)
        ]
        if not rows:
            return [[] for _ in appends]
        if is_postgresql(self.connection):
            positions = self._append_postgresql(appends, rows)
        else:
            positions = self._append_portable(appends, rows)
        stored = iter(
            StoredEvent(position=position, **row)
            for position, row in zip(positions, rows, strict=True)
        )
        return [[next(stored) for _ in append.new_events] for append in appends]

    def _append_postgresql(
        self, appends: Sequence[StreamAppend], rows: list[dict[str, Any]]
    ) -> list[int]:
        """Lock and insert in one statement (see ``_PG_APPEND``); conflicts undo the rows."""
        expected = {append.stream_id: append.expected_version for append in appends}
        encoded = [
            {
                "stream_id": row["stream_id"],
                "version": row["version"],
                "expected": expected[row["stream_id"]],
                "type": row["type"],
                "data": row["data"],
                "metadata": row["metadata"],
            }
            for row in rows
        ]
        inserted = self.connection.execute(
            _PG_APPEND[self.serialise_appends],
            {"new_events": encoded, "recorded_at": rows[0]["recorded_at"]},
        ).all()
        if len(inserted) != len(rows):
            if inserted:  # leave the transaction as it was before this append
                self.connection.execute(
                    delete(events).where(events.c.position.in_([p for p, _, _ in inserted]))
                )
            stored = {(stream_id, version) for _, stream_id, version in inserted}
            missing = {r["stream_id"] for r in rows if (r["stream_id"], r["version"]) not in stored}
            self._raise_conflict([a for a in appends if a.stream_id in missing])
        by_key = {(stream_id, version): position for position, stream_id, version in inserted}
        return [by_key[(row["stream_id"], row["version"])] for row in rows]

    def _append_portable(
        self, appends: Sequence[StreamAppend], rows: list[dict[str, Any]]
    ) -> list[int]:
        """Check the versions, then insert (SQLite, where BEGIN IMMEDIATE serialised us)."""
        streams = [append.stream_id for append in appends]
        found = dict(
            self.connection.execute(
                select(events.c.stream_id, func.max(events.c.version))
                .where(events.c.stream_id.in_(streams))
                .group_by(events.c.stream_id)
            ).all()
        )
        for append in appends:
            actual = found.get(append.stream_id, 0)
            if actual != append.expected_version:
                raise VersionConflict(append.stream_id, append.expected_version, actual)
        try:
            return list(self.connection.execute(_INSERT, rows).scalars().all())
        except IntegrityError as error:  # only if something bypassed BEGIN IMMEDIATE
            self._raise_conflict(appends, error)

    def _raise_conflict(
        self, suspects: Sequence[StreamAppend], cause: Exception | None = None
    ) -> NoReturn:
        """VersionConflict for the first of ``suspects`` whose stream is not where expected."""
        for append in suspects:
            actual = self.current_version(append.stream_id)
            if actual != append.expected_version:
                raise VersionConflict(append.stream_id, append.expected_version, actual) from cause
        first = suspects[0]
        raise VersionConflict(first.stream_id, first.expected_version) from cause

    def lock_appends(self) -> None:
        """Wait until no other transaction can append, and keep it so until commit.

        For callers that must exclude appends for a whole transaction (replay), or check a
        rule across aggregates that a concurrent append could break (read, then decide,
        under the lock). Appends themselves take the same lock inside their INSERT
        (``_PG_APPEND``); on SQLite, BEGIN IMMEDIATE already did it.
        """
        if is_postgresql(self.connection):
            self.connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORE_LOCK_KEY}
            )

    def current_version(self, stream_id: str) -> int:
        return int(self.connection.execute(_CURRENT_VERSION, {"stream_id": stream_id}).scalar_one())

    def load(self, stream_id: str) -> list[StoredEvent]:
        rows = self.connection.execute(_LOAD, {"stream_id": stream_id}).mappings()
        return [_stored(row) for row in rows]

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


class MissingUpcaster(LookupError):
    """A stored event is older than its class and no upcaster bridges one of the versions."""

    def __init__(self, type_name: str, from_version: int) -> None:
        super().__init__(
            f"{type_name} is stored at schema version {from_version} and no upcaster turns "
            f"version {from_version} into {from_version + 1}: register one with "
            f"EventCodec.register_upcaster({type_name!r}, {from_version}, ...)"
        )
        self.type_name, self.from_version = type_name, from_version


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
            upcaster = self._upcasters.get((stored.type, version))
            if upcaster is None:
                raise MissingUpcaster(stored.type, version)
            data = upcaster(data)
            version += 1
        return cls.model_validate(data)
