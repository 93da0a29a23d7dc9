"""Read models: rebuilding them from the event store, and tracking how far a consumer got."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ecbm_runtime import bulk
from ecbm_runtime.db import run_after_commit, take_after_commit
from ecbm_runtime.eventstore import StoredEvent, store_for
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.tables import tracking
from ecbm_runtime.uow import BatchProjection, EventWiring, Projected

__all__ = ["RowProjection", "Rows", "advance_tracking", "replay", "replayer", "tracked_position"]

# New read-model rows per table, each a dict by column name (as for ``insert(table)``).
Rows = Mapping[Table, Sequence[Mapping[str, Any]]]


@dataclass(frozen=True)
class RowProjection(BatchProjection):
    """A projection whose whole effect is new rows (a registration): ``rows`` returns them.

    Live, the unit of work calls it as a ``BatchProjection``: one multi-row INSERT per
    table, as a hand-written one would do. A replay instead gathers the rows of many
    batches and writes them with ``COPY`` (``ecbm_runtime.bulk``), which is most of what
    makes a rebuild fast: its events are mostly registrations. ``rows`` may read the
    database and may touch rows that are not read models (a cache version), but must not
    write read-model rows itself; ``reads`` names the read-model tables it reads, so a
    replay writes their pending rows before calling it. Tables come back parents first.
    """

    rows: Callable[[Connection, Projected], Rows]
    reads: tuple[Table, ...] = ()
    many: Callable[[Connection, Projected], None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "many", self._insert)

    def _insert(self, connection: Connection, projected: Projected) -> None:
        for table, rows in self.rows(connection, projected).items():
            if rows:
                connection.execute(insert(table), list(rows))


def replay(
    engine: Engine,
    wiring: EventWiring,
    read_model_tables: Sequence[Table],
    batch: int = 5000,
    pending_rows: int = 20_000,
) -> int:
    """Empty ``read_model_tables`` and run every projection over the whole store again.

    Returns how many stored events were read. Tables are emptied in reverse order, so list
    parents before children. Events whose type no projection handles are not decoded.

    One transaction for the whole rebuild, holding the store's append lock (on SQLite the
    write lock of BEGIN IMMEDIATE): readers keep seeing the old read model until the new one
    is complete, a failure leaves the old one in place, and no command can append (and
    project) an event that the replay would then project a second time. Commands wait
    meanwhile, so replay while the service is quiet; on SQLite a writer gives up after its
    30 s busy timeout. The store is read ``batch`` events at a time to bound memory.

    Events are projected in store order; a run of consecutive events of one type, each of a
    different aggregate, goes to a ``BatchProjection`` in one call (set-based statements, as
    a bulk import's unit of work does). A ``RowProjection``'s rows are held back, up to
    ``pending_rows``, and written in bulk (``COPY`` on PostgreSQL), in the order of
    ``read_model_tables``; they are written first whenever an ordinary projection (which
    may read or change them) or a ``RowProjection`` reading their table comes next.
    """
    handled = {cls.__name__ for cls, projections in wiring.projections.items() if projections}
    replayed = 0
    with engine.begin() as connection:
        store = store_for(connection)
        codec = wiring.codec.bound_to(connection)
        store.lock_appends()  # the one definition of the store's append lock
        for table in reversed(read_model_tables):
            connection.execute(table.delete())
        pending = _PendingRows(connection, read_model_tables, pending_rows)
        for records in bulk.scan_store(connection, batch):
            decoded = [(codec.decode(r), r) for r in records if r.type in handled]
            for run in _runs(decoded):
                _project_run(connection, wiring, run, pending)
            replayed += len(records)
        pending.write()
        waiting = take_after_commit(connection)
    run_after_commit(engine, waiting)
    return replayed


class _PendingRows:
    """``RowProjection`` rows of a replay not written yet, per table."""

    def __init__(self, connection: Connection, order: Sequence[Table], limit: int) -> None:
        self._connection = connection
        self._rank = {table: index for index, table in enumerate(order)}
        self._limit = limit
        self._rows: dict[Table, list[Mapping[str, Any]]] = {}
        self._count = 0

    def holds(self, tables: Sequence[Table]) -> bool:
        return any(table in self._rows for table in tables)

    def add(self, rows: Rows) -> None:
        for table, new in rows.items():
            if new:
                self._rows.setdefault(table, []).extend(new)
                self._count += len(new)
        if self._count >= self._limit:
            self.write()

    def write(self) -> None:
        """Every pending row, parents first (tables outside the replayed ones last)."""
        last = len(self._rank)
        for table in sorted(self._rows, key=lambda t: self._rank.get(t, last)):
            bulk.insert_rows(self._connection, table, self._rows[table])
        self._rows, self._count = {}, 0


Decoded = list[tuple[Any, StoredEvent]]


def _runs(decoded: Decoded) -> Iterator[Decoded]:
    """Consecutive events of one type, each of a different stream, in store order."""
    run: Decoded = []
    streams: set[str] = set()
    for item in decoded:
        record = item[1]
        if run and (record.type != run[0][1].type or record.stream_id in streams):
            yield run
            run, streams = [], set()
        run.append(item)
        streams.add(record.stream_id)
    if run:
        yield run


def _project_run(
    connection: Connection, wiring: EventWiring, run: Decoded, pending: _PendingRows
) -> None:
    for project in wiring.projections.get(type(run[0][0]), ()):
        if isinstance(project, RowProjection):
            if pending.holds(project.reads):
                pending.write()
            pending.add(project.rows(connection, run))
            continue
        pending.write()  # an ordinary projection may read or change any pending row
        if isinstance(project, BatchProjection):
            project.many(connection, run)
        else:
            for event, record in run:
                project(connection, event, record)


def advance_tracking(connection: Connection, name: str, position: int) -> bool:
    """Record in the caller's transaction that consumer ``name`` has handled up to ``position``.

    Returns False, changing nothing, when it was already there or further: the caller then
    skips effects it committed before. Concurrent callers serialise on the tracking row.
    """
    moved = connection.execute(
        update(tracking)
        .where(tracking.c.name == name, tracking.c.position < position)
        .values(position=position)
    )
    if moved.rowcount:
        return True
    # No row yet (or one at/after ``position``): insert, or lose to a concurrent insert and
    # apply the same guard to the row it wrote.
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    new = dialect_insert(tracking).values(name=name, position=position)
    upsert = new.on_conflict_do_update(
        index_elements=[tracking.c.name],
        set_={"position": new.excluded.position},
        where=tracking.c.position < new.excluded.position,
    )
    # RETURNING, not rowcount: SQLAlchemy reports -1 for an INSERT's rowcount on psycopg.
    return connection.execute(upsert.returning(tracking.c.name)).first() is not None


def tracked_position(connection: Connection, name: str) -> int:
    """How far consumer ``name`` got; 0 before its first event."""
    query = select(tracking.c.position).where(tracking.c.name == name)
    return int(connection.execute(query).scalar_one_or_none() or 0)


class _ServiceApplication(Protocol):
    @property
    def engine(self) -> Engine: ...

    @property
    def wiring(self) -> EventWiring: ...

    def close(self) -> None: ...


def replayer(
    bootstrap: Callable[[Any], _ServiceApplication], read_model_tables: Sequence[Table]
) -> Callable[[Any], int]:
    """A service's ``replay`` for its ServiceDefinition (run by ``ecbm replay <service>``)."""

    def replay_service(settings: ServiceSettings) -> int:
        app = bootstrap(settings)
        try:
            return replay(app.engine, app.wiring, read_model_tables)
        finally:
            app.close()

    return replay_service
