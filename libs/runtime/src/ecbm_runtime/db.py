"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import logging
import select
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    any_,
    bindparam,
    cast,
    create_engine,
    event,
    exc,
    exists,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

_log = logging.getLogger(__name__)

# Marks a connection whose transactions only read, so SQLite need not take the write lock.
READ_ONLY = {"ecbm_read_only": True}


# connection.info key of the callbacks waiting for the current transaction's commit.
_AFTER_COMMIT = "ecbm_after_commit"
AfterCommit = Callable[[Connection], None]


def after_commit(connection: Connection, key: str, callback: AfterCommit) -> None:
    """Run ``callback(connection)`` once the current transaction has committed; once per ``key``.

    For a write that must be seen only after the data it announces, and must not hold a
    lock to the end of the transaction (a version counter: updated inside the transaction,
    its row would serialise every writer from the update to the COMMIT). Dropped on
    rollback. Whoever commits runs them (``run_after_commit``): ``SqlUnitOfWork.commit``
    and ``replay`` do.
    """
    transaction = connection.get_transaction()
    if transaction is None:
        raise RuntimeError("after_commit needs an open transaction")
    kept: tuple[object, dict[str, AfterCommit]] | None = connection.info.get(_AFTER_COMMIT)
    if kept is None or kept[0] is not transaction:  # left over from an earlier transaction
        kept = (transaction, {})
        connection.info[_AFTER_COMMIT] = kept
    kept[1].setdefault(key, callback)


def take_after_commit(connection: Connection) -> list[AfterCommit]:
    """The callbacks of the current transaction, taken off: call before its commit."""
    kept = connection.info.pop(_AFTER_COMMIT, None)
    if kept is None or kept[0] is not connection.get_transaction():
        return []
    return list(kept[1].values())


def run_after_commit(
    engine: Engine, callbacks: list[AfterCommit], committed: Connection | None = None
) -> None:
    """Run what ``take_after_commit`` took, once the commit is done.

    On PostgreSQL ``committed`` (the connection that committed, now in autocommit) serves
    them, with no second pool checkout; otherwise they share a transaction of their own.
    The data is committed whatever happens here: a failing callback is logged, the others
    still run.
    """
    if not callbacks:
        return
    if committed is not None and is_postgresql(engine):
        _run_each(committed, callbacks)
        return
    with engine.begin() as connection:
        _run_each(connection, callbacks)


def _run_each(connection: Connection, callbacks: list[AfterCommit]) -> None:
    for callback in callbacks:
        try:
            callback(connection)
        except Exception:
            _log.exception("an after-commit callback failed: %r", callback)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator chose."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_postgresql(engine_or_connection: Engine | Connection) -> bool:
    return engine_or_connection.dialect.name == "postgresql"


def among(
    connection: Connection, column: ColumnElement[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """``column IN values``, as one statement whatever the number of values.

    On PostgreSQL ``column = ANY(array)``: one parameter, so one statement text, compiled
    once and prepared by psycopg after five runs on a connection. An ``IN`` list is a new
    text for each length (never prepared when lengths vary, not even converted from cache
    past 50 values). SQLite has no arrays; its ``IN`` list costs no server round trip.
    """
    if is_postgresql(connection):
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))


def lock_for(connection: Connection, namespace: str, key: str) -> None:
    """Wait until no other transaction holds ``(namespace, key)``; hold it to the end of
    this one. For a rule across rows that may not exist yet ("deliver if the person is
    known, else park" against "know the person, then take what is parked").

    PostgreSQL: ``pg_advisory_xact_lock`` on the two names' hashes (the two-key space,
    apart from the event store's one-key lock). SQLite: nothing to do, a write
    transaction already excludes every other (``BEGIN IMMEDIATE``).
    """
    if is_postgresql(connection):
        connection.execute(_LOCK_FOR, {"namespace": namespace, "key": key})


_LOCK_FOR = text("SELECT pg_advisory_xact_lock(hashtext(:namespace), hashtext(:key))")


def listed_in(
    connection: Connection, column: ColumnElement[Any], value: Any
) -> ColumnElement[bool]:
    """The JSON array in ``column`` holds ``value``: a filter the database applies, so
    ordering and paging can follow it there instead of in Python.

    PostgreSQL: ``column::jsonb @> jsonb_build_array(value)``; SQLite: an ``EXISTS`` over
    ``json_each(column)``.
    """
    if is_postgresql(connection):
        return cast(column, JSONB).op("@>")(func.jsonb_build_array(value))  # type: ignore[no-any-return]
    elements = func.json_each(column).table_valued("value")
    return exists().select_from(elements).where(elements.c.value == value)


def make_engine(url: str, *, pool_size: int = 20) -> Engine:
    """An engine with the settings each dialect needs to be a safe event store.

    ``pool_size`` connections are kept once opened: an api's 16 gRPC threads, its outbox
    publisher and a group desk. With 10, a burst of 16 calls opened and closed overflow
    connections on every call (a PostgreSQL backend started and stopped each time).
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return _postgresql_engine(url, pool_size)


# Server-side idle connections are closed by restarts and by idle timeouts; recycling
# connections older than this keeps the pool away from the latter.
POOL_RECYCLE_SECONDS = 1800


def _postgresql_engine(url: str, pool_size: int) -> Engine:
    # No pool_pre_ping: it costs a round trip on every checkout (a quarter of a simple
    # read). The checkout hook below finds a connection the server closed without one.
    # Last in, first out: the connections in use stay few and hot, each with its prepared
    # statements (psycopg prepares a statement on its fifth run on a connection); first in,
    # first out spread a thread's statements over the whole pool, most never prepared.
    engine = create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=POOL_RECYCLE_SECONDS,
        pool_use_lifo=True,
        hide_parameters=True,  # statement errors name no values: they may be personal data
    )  # fmt: skip

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if _closed_by_server(dbapi_connection):
            # The pool discards this connection and checks out another (up to 3 tries).
            raise exc.DisconnectionError("the server closed this pooled connection")

    return engine


def _closed_by_server(dbapi_connection: Any) -> bool:
    """True if an idle pooled connection is known dead, without a round trip.

    An idle connection has nothing to read; when it is readable the server has sent a
    termination notice or closed the socket (restart, ``pg_terminate_backend``, idle
    timeout). One ``select`` call instead of pre-ping's ``SELECT 1``. A connection
    broken silently (network gone) is not seen here: its first statement fails, the
    pool is invalidated, and the next call gets fresh connections.
    """
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    if driver.closed or driver.broken:
        return True
    try:
        readable, _, _ = select.select([driver.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" hook below (pysqlite's own
        # implicit BEGIN would be DEFERRED and let two writers deadlock on upgrade).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the database lock up front: positions are then assigned in
        # commit order and no transaction fails late on a lock upgrade.
        read_only = connection.get_execution_options().get("ecbm_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def read_only_connection(engine: Engine) -> Connection:
    """A connection for queries: on SQLite it never takes the write lock.

    On PostgreSQL it runs in autocommit: each query is its own implicit transaction,
    one round trip instead of BEGIN, SELECT, ROLLBACK. A caller that runs several
    queries and needs them to agree on one snapshot must open a transaction itself
    with ``connection.execution_options(isolation_level="REPEATABLE READ")`` and
    ``connection.begin()``.
    """
    connection = engine.connect()
    if is_postgresql(engine):
        return connection.execution_options(isolation_level="AUTOCOMMIT", **READ_ONLY)
    return connection.execution_options(**READ_ONLY)


def database_answers(engine: Engine) -> bool:
    """Readiness probe: a trivial round trip to the database."""
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    return True
