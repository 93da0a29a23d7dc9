"""Read models: rebuilding them from the event store, and tracking how far a consumer got."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ecbm_runtime.db import run_after_commit, take_after_commit
from ecbm_runtime.eventstore import StoredEvent, store_for
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.tables import tracking
from ecbm_runtime.uow import BatchProjection, EventWiring


def replay(
    engine: Engine, wiring: EventWiring, read_model_tables: Sequence[Table], batch: int = 1000
) -> int:
    """Empty ``read_model_tables`` and run every projection over the whole store again.

    Returns how many stored events were read. Tables are emptied in reverse order, so list
    parents before children. Events whose type no projection handles are not decoded.

    One transaction for the whole rebuild, holding the store's append lock (on SQLite the
    write lock of BEGIN IMMEDIATE): readers keep seeing the old read model until the new one
    is complete, a failure leaves the old one in place, and no command can append (and
    project) an event that the replay would then project a second time. Commands wait
    meanwhile, so replay while the service is quiet; on SQLite a writer gives up after its
    30 s busy timeout. Reading goes in batches of ``batch`` events to bound memory.

    Events are projected in store order; a run of consecutive events of one type, each of a
    different aggregate, goes to a ``BatchProjection`` in one call (set-based statements, as
    a bulk import's unit of work does), which is what makes a replay fast.
    """
    handled = {cls.__name__ for cls, projections in wiring.projections.items() if projections}
    replayed = position = 0
    with engine.begin() as connection:
        store = store_for(connection)
        codec = wiring.codec.bound_to(connection)
        store.lock_appends()  # the one definition of the store's append lock
        for table in reversed(read_model_tables):
            connection.execute(table.delete())
        while records := store.scan(after_position=position, limit=batch):
            decoded = [(codec.decode(r), r) for r in records if r.type in handled]
            for run in _runs(decoded):
                _project_run(connection, wiring, run)
            position = records[-1].position
            replayed += len(records)
        waiting = take_after_commit(connection)
    run_after_commit(engine, waiting)
    return replayed


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


def _project_run(connection: Connection, wiring: EventWiring, run: Decoded) -> None:
    for project in wiring.projections.get(type(run[0][0]), ()):
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
