"""Append-only event store on SQLAlchemy Core: one interface, a class per database."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, NoReturn

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError

from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.errors import Conflict
from ecbm_runtime.inbox import Delivery, DuplicateDelivery
from ecbm_runtime.outbox import OutboxEntry, OutboxMessage
from ecbm_runtime.tables import events, inbox, outbox

# One advisory lock key for the whole store. PostgreSQL appends take it *shared*, so they
# run concurrently; ``lock_appends`` takes it exclusive, so a replay or a rule checked
# across aggregates sees no append start or finish meanwhile.
STORE_LOCK_KEY = 0x0ECB_E5

# PostgreSQL append in one round trip, for one stream or many (a unit of work saving
# several aggregates).
# - The shared lock is taken inside the statement, before any row is produced; it only
#   waits for an exclusive holder (``lock_appends``).
# - Every row records its transaction (``transaction_id``, store migration 0003): commit
#   order is (transaction_id, position), and ``read_all`` reads only below the oldest
#   running transaction, so concurrent appends committing out of position order are
#   never skipped by a tailing reader (the tailing test has teeth for this).
# - ``ON CONFLICT DO NOTHING`` on (stream_id, version): a stream that moved on yields
#   fewer rows instead of an aborted transaction, so the conflict can say what it found.
#   It waits for a concurrent insert of the same version like the unique index does.
# - An ``expected`` above 0 must exist already (else the stream is behind the caller and
#   the append would leave a gap); versions are never removed, and the caller read
#   version ``expected`` committed, so the statement's snapshot is recent enough.
_PG_APPEND = text(
    """
    WITH store_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(:lock_key))
    INSERT INTO events (stream_id, version, type, data, metadata, recorded_at)
    SELECT new.value ->> 'stream_id', CAST(new.value ->> 'version' AS integer),
           new.value ->> 'type', new.value -> 'data', new.value -> 'metadata', :recorded_at
    FROM store_lock, jsonb_array_elements(:new_events) WITH ORDINALITY AS new(value, n)
    WHERE CAST(new.value ->> 'expected' AS integer) = 0 OR EXISTS (
        SELECT 1 FROM events
        WHERE stream_id = new.value ->> 'stream_id'
          AND version = CAST(new.value ->> 'expected' AS integer)
    )
    ORDER BY new.n
    ON CONFLICT (stream_id, version) DO NOTHING
    RETURNING position, stream_id, version
    """
).bindparams(bindparam("new_events", type_=JSONB), lock_key=STORE_LOCK_KEY)

_EVENT_COLUMNS = "position, stream_id, version, type, data, metadata, recorded_at"
# Commit order on PostgreSQL is (transaction_id, position). A reader takes only rows below
# the horizon: the oldest transaction still running when its snapshot was taken, leaving
# out those known to run in another database of the server (they cannot write here, and a
# replay or migration elsewhere must not hold this service's readers back). A transaction
# that ended meanwhile is not known elsewhere, so it counts: the horizon errs early, never
# late. Every row below it is final: no transaction can commit below it any more.
_PG_HORIZON = """
    snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS taken),
    elsewhere AS MATERIALIZED (
        SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()
    ),
    horizon AS MATERIALIZED (
        SELECT coalesce(
            (SELECT min(running) FROM pg_snapshot_xip((SELECT taken FROM snapshot)) AS running
             WHERE (running::text::numeric % 4294967296)::bigint
                   NOT IN (SELECT xid FROM elsewhere)),
            (SELECT pg_snapshot_xmax(taken) FROM snapshot)
        ) AS xid
    )
"""
# ``after`` names an event by its position; the cursor is that event's place in commit
# order (a position no longer stored falls back to the nearest one before it).
_PG_READ_COMMITTED = text(
    f"""
    WITH {_PG_HORIZON},
    after AS (
        SELECT coalesce((
            SELECT transaction_id FROM events WHERE position <= :after
            ORDER BY position DESC LIMIT 1
        ), '0'::xid8) AS transaction_id
    )
    SELECT {_EVENT_COLUMNS} FROM events, after, horizon
    WHERE events.transaction_id < horizon.xid
      AND (events.transaction_id, events.position) > (after.transaction_id, :after)
    ORDER BY events.transaction_id, events.position
    LIMIT :limit
    """
).columns(*events.c)
_PG_LAST_COMMITTED = text(
    f"""
    WITH {_PG_HORIZON}
    SELECT position FROM events, horizon
    WHERE events.transaction_id < horizon.xid
    ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1
    """
)
# By position alone: only where no append can run meanwhile (``lock_appends`` held,
# SQLite's single writer), or to show what the commit-order guard protects against.
_READ_BY_POSITION = text(
    f"SELECT {_EVENT_COLUMNS} FROM events WHERE position > :after ORDER BY position LIMIT :limit"
).columns(*events.c)
_CURRENT_VERSION = select(func.coalesce(func.max(events.c.version), 0)).where(
    events.c.stream_id == bindparam("stream_id")
)
_LOAD = (
    select(events).where(events.c.stream_id == bindparam("stream_id")).order_by(events.c.version)
)
_INSERT = insert(events).returning(events.c.position, sort_by_parameter_order=True)
_PG_LOCK = {
    True: text("SELECT pg_advisory_xact_lock(:key)"),
    False: text("SELECT pg_advisory_xact_lock_shared(:key)"),
}
# A multi-row INSERT ... RETURNING for every outbox row of a commit.
_INSERT_OUTBOX = insert(outbox).returning(outbox.c.id, sort_by_parameter_order=True)
# Many outbox rows on PostgreSQL: one parameter, one prepared statement whatever their
# number (a multi-row VALUES is a new statement text for each number of rows, parsed and
# planned every time). Ids come back with their event ids.
_PG_OUTBOX_MANY = text(
    """
    INSERT INTO outbox (event_id, exchange, routing_key, body, headers, created_at, subject,
                        stream)
    SELECT new.event_id, new.exchange, new.routing_key, new.body, new.headers, :created_at,
           new.subject, new.stream
    FROM ROWS FROM (jsonb_to_recordset(:rows) AS (event_id text, exchange text,
                    routing_key text, body text, headers json, subject text, stream text))
         WITH ORDINALITY AS new(event_id, exchange, routing_key, body, headers, subject, stream, n)
    ORDER BY new.n  -- ids in the entries' order: the relay publishes a stream in id order
    RETURNING id, event_id
    """
).bindparams(bindparam("rows", type_=JSONB))


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


class EventStore(ABC):
    """Streams of events with optimistic concurrency and one global order.

    One interface, one class per backend: ``PostgresEventStore`` and ``SqliteEventStore``
    here, ``InMemoryEventStore`` in ``ecbm_runtime.in_memory`` for handler unit tests.
    Beside the events it keeps what must commit with them: the inbox claim of the message
    being handled and the outbox rows to publish.
    """

    # Only tests turn this off: tail by position alone, to show what reading in commit
    # order protects against now that appends run concurrently.
    guard_reads: ClassVar[bool] = True

    def append(
        self, stream_id: str, expected_version: int, new_events: Sequence[NewEvent]
    ) -> list[StoredEvent]:
        """Append after ``expected_version`` (0 for a new stream) or raise VersionConflict."""
        (stored,) = self.append_streams([StreamAppend(stream_id, expected_version, new_events)])
        return stored

    @abstractmethod
    def append_streams(self, appends: Sequence[StreamAppend]) -> list[list[StoredEvent]]:
        """Append to several streams at once, all or none; the stored events of each.

        Any stream that moved on raises VersionConflict for it and leaves nothing of the
        others.
        """

    @abstractmethod
    def lock_appends(self, exclusive: bool = True) -> None:
        """Wait until no other transaction can append, and keep it so until commit.

        For callers that must exclude appends for a whole transaction (replay), or check a
        rule across aggregates that a concurrent append could break (read, then decide,
        under the lock). ``exclusive=False`` only waits for and keeps out an exclusive
        holder, letting other appends run: enough for the side of a rule whose
        counterpart takes the lock exclusively (registering a programme vs withdrawing its
        organisation).
        """

    @abstractmethod
    def current_version(self, stream_id: str) -> int: ...

    @abstractmethod
    def load(self, stream_id: str) -> list[StoredEvent]: ...

    @abstractmethod
    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Committed events after the one at ``after_position`` (0: from the start), in
        commit order, and only those no running transaction can still precede.

        Tail the store by passing the last position read. On SQLite commit order is
        position order; on PostgreSQL appends run concurrently, so positions are unique but
        may commit out of order (see ``_PG_READ_COMMITTED``).
        """

    @abstractmethod
    def max_position(self) -> int:
        """The position of the last event in commit order (``read_all``'s), 0 when empty."""

    def scan(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Events by position: the whole store when no append can run (``lock_appends``)."""
        return self.read_all(after_position, limit)

    @abstractmethod
    def claim(self, delivery: Delivery) -> None:
        """Record in this transaction that ``delivery`` is handled; DuplicateDelivery if it was.

        Runs first in the transaction: a concurrent duplicate then waits on the inbox's
        primary key and is refused here, before computing any effect.
        """

    @abstractmethod
    def add_to_outbox(self, entries: Sequence[OutboxEntry]) -> list[OutboxMessage]:
        """Queue integration events for publishing; the queued messages, with their ids."""

    @abstractmethod
    def redact(
        self,
        stream_id: str,
        fields: Mapping[str, Mapping[str, Any]],
        metadata: Mapping[str, Any] | None = None,
    ) -> int:
        """Overwrite personal data of one stream's events in place; how many events changed.

        The store is append-only except for this: erasure under the GDPR (art. 17) outranks
        an intact history. ``fields`` maps an event type to the data keys and the values
        they get; ``metadata`` is merged into every event of the stream (e.g. the actor).
        """

    @abstractmethod
    def forget_subject(self, subject: str) -> int:
        """Delete the outbox rows about ``subject`` (a person forgotten); how many.

        An unpublished one about a person now forgotten is better never sent; a published
        one, kept a while to debug deliveries, is not worth keeping their data for.
        """


class SqlEventStore(EventStore):
    """What both SQL backends share; each subclass appends and claims in its own dialect."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def append_streams(self, appends: Sequence[StreamAppend]) -> list[list[StoredEvent]]:
        """One statement whatever the number of streams (a bulk import saves hundreds)."""
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
        positions = self._insert(appends, rows)
        stored = iter(
            StoredEvent(position=position, **row)
            for position, row in zip(positions, rows, strict=True)
        )
        return [[next(stored) for _ in append.new_events] for append in appends]

    @abstractmethod
    def _insert(self, appends: Sequence[StreamAppend], rows: list[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` after checking each stream's version; their positions."""

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

    def current_version(self, stream_id: str) -> int:
        return int(self.connection.execute(_CURRENT_VERSION, {"stream_id": stream_id}).scalar_one())

    def load(self, stream_id: str) -> list[StoredEvent]:
        rows = self.connection.execute(_LOAD, {"stream_id": stream_id}).mappings()
        return [_stored(row) for row in rows]

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        return self.scan(after_position, limit)

    def scan(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        rows = self.connection.execute(
            _READ_BY_POSITION, {"after": after_position, "limit": limit}
        ).mappings()
        return [_stored(row) for row in rows]

    def max_position(self) -> int:
        query = select(func.coalesce(func.max(events.c.position), 0))
        return int(self.connection.execute(query).scalar_one())

    def claim(self, delivery: Delivery) -> None:
        claimed = self.connection.execute(
            self._claim_statement,
            {
                "handler": delivery.handler,
                "event_id": delivery.event_id,
                "processed_at": datetime.now(UTC),
            },
        ).first()
        if claimed is None:
            raise DuplicateDelivery(f"{delivery.handler} already handled {delivery.event_id}")

    _claim_statement: ClassVar[Any]

    def add_to_outbox(self, entries: Sequence[OutboxEntry]) -> list[OutboxMessage]:
        values = [entry.values() for entry in entries]
        inserted = self.connection.execute(
            _INSERT_OUTBOX, values[0] if len(values) == 1 else values
        )
        ids = inserted.scalars().all()
        return [OutboxMessage.of(id, row) for id, row in zip(ids, values, strict=True)]

    def redact(
        self,
        stream_id: str,
        fields: Mapping[str, Mapping[str, Any]],
        metadata: Mapping[str, Any] | None = None,
    ) -> int:
        changed = 0
        for event in self.load(stream_id):
            patch = fields.get(event.type, {})
            if not patch and not metadata:
                continue
            self.connection.execute(
                update(events)
                .where(events.c.position == event.position)
                .values(
                    data={**event.data, **patch}, metadata={**event.metadata, **(metadata or {})}
                )
            )
            changed += 1
        return changed

    def forget_subject(self, subject: str) -> int:
        forgotten = self.connection.execute(delete(outbox).where(outbox.c.subject == subject))
        return int(forgotten.rowcount or 0)


class PostgresEventStore(SqlEventStore):
    """Appends run concurrently (shared lock); readers follow commit order (``_PG_APPEND``)."""

    _claim_statement = (
        postgresql.insert(inbox)
        .on_conflict_do_nothing(index_elements=[inbox.c.handler, inbox.c.event_id])
        .returning(inbox.c.handler)
    )

    def _insert(self, appends: Sequence[StreamAppend], rows: list[dict[str, Any]]) -> list[int]:
        """Lock and insert in one statement; conflicts undo the rows this statement wrote."""
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
            _PG_APPEND,
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

    def lock_appends(self, exclusive: bool = True) -> None:
        self.connection.execute(_PG_LOCK[exclusive], {"key": STORE_LOCK_KEY})

    def add_to_outbox(self, entries: Sequence[OutboxEntry]) -> list[OutboxMessage]:
        if len(entries) < 2:
            return super().add_to_outbox(entries)
        values = [entry.values() for entry in entries]
        rows = [{k: v for k, v in row.items() if k != "created_at"} for row in values]
        inserted = self.connection.execute(
            _PG_OUTBOX_MANY, {"rows": rows, "created_at": values[0]["created_at"]}
        )
        ids = {event_id: id for id, event_id in inserted}
        return [OutboxMessage.of(ids[row["event_id"]], row) for row in values]

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        if not self.guard_reads:
            return self.scan(after_position, limit)
        rows = self.connection.execute(
            _PG_READ_COMMITTED, {"after": after_position, "limit": limit}
        ).mappings()
        return [_stored(row) for row in rows]

    def max_position(self) -> int:
        return int(self.connection.execute(_PG_LAST_COMMITTED).scalar() or 0)


class SqliteEventStore(SqlEventStore):
    """BEGIN IMMEDIATE (``db._sqlite_engine``) already holds the one write lock."""

    # INSERT ... ON CONFLICT DO NOTHING RETURNING: one round trip; a row comes back only
    # if this delivery is new.
    _claim_statement = (
        sqlite.insert(inbox)
        .on_conflict_do_nothing(index_elements=[inbox.c.handler, inbox.c.event_id])
        .returning(inbox.c.handler)
    )

    def _insert(self, appends: Sequence[StreamAppend], rows: list[dict[str, Any]]) -> list[int]:
        """Check the versions, then insert; the write lock keeps them true meanwhile."""
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

    def lock_appends(self, exclusive: bool = True) -> None:
        """Nothing to do: the transaction began with the database's write lock."""


def store_for(connection: Connection) -> SqlEventStore:
    """The event store of ``connection``'s database, in its transaction."""
    if connection.dialect.name == "postgresql":
        return PostgresEventStore(connection)
    return SqliteEventStore(connection)


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

    def bound_to(self, transaction: Any) -> EventCodec:
        """This codec for one unit of work's transaction (``transaction`` is its connection,
        or None in memory). A codec that keeps state in the database (keys) returns a copy
        bound to it; this one needs nothing."""
        return self

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
