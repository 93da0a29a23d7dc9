"""Bulk reads and writes of a replay: the whole store in large batches, rows by COPY.

A replay reads every stored event once and writes read-model rows by the hundred
thousand; the per-statement machinery of the command path (SQLAlchemy's result objects,
one INSERT per row in a pipeline) is what made it slow. On PostgreSQL both go straight
to psycopg: a server-side cursor for the store, ``COPY ... FROM STDIN`` for the rows.
SQLite keeps SQLAlchemy (the store's ``scan``, an executemany INSERT): it is a test and
small-site database, and its driver has no bulk path to gain from.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

from ecbm_runtime.eventstore import StoredEvent, store_for

Row = Mapping[str, Any]

_SCAN = (
    "SELECT position, stream_id, version, type, data, metadata, recorded_at"
    " FROM events ORDER BY position"
)


def scan_store(connection: Connection, batch: int = 5000) -> Iterator[list[StoredEvent]]:
    """Every stored event in position order, ``batch`` at a time, in ``connection``'s
    transaction (which holds the append lock: no append can land behind the scan).

    On PostgreSQL one server-side cursor on the transaction's own psycopg connection;
    statements may run on the connection between batches (the cursor stays open).
    """
    if connection.dialect.name != "postgresql":
        store, position = store_for(connection), 0
        while records := store.scan(after_position=position, limit=batch):
            yield records
            position = records[-1].position
        return
    raw = connection.connection.driver_connection
    with raw.cursor(name="ecbm_replay_scan") as cursor:  # type: ignore[union-attr]
        cursor.itersize = batch
        cursor.execute(_SCAN)
        while rows := cursor.fetchmany(batch):
            yield [
                StoredEvent(
                    position=position, stream_id=stream_id, version=version, type=type_,
                    data=data, metadata=metadata, recorded_at=recorded_at,
                )
                for position, stream_id, version, type_, data, metadata, recorded_at in rows
            ]  # fmt: skip


def insert_rows(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Write ``rows`` (dicts by column name, as for ``insert(table)``) into ``table``.

    PostgreSQL: ``COPY`` per run of rows with the same columns; each value goes through
    its column type's bind processing (JSON is serialised as SQLAlchemy would), so the
    rows read back exactly as an INSERT of the same dicts would. Elsewhere: one
    executemany INSERT. Columns a row leaves out get their defaults either way.
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        for columns, group in _by_columns(rows):
            values = _row_values(connection, table, columns)
            quote = connection.dialect.identifier_preparer
            names = ", ".join(quote.quote(name) for name in columns)
            target = quote.format_table(table)
            with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for row in group:
                    copy.write_row(values(row))


def _by_columns(rows: Sequence[Row]) -> Iterator[tuple[tuple[str, ...], list[Row]]]:
    """Consecutive rows naming the same columns (nearly always: all of them)."""
    columns = tuple(rows[0])
    group: list[Row] = []
    for row in rows:
        if len(row) != len(columns) or tuple(row) != columns:
            yield columns, group
            columns, group = tuple(row), []
        group.append(row)
    yield columns, group


def _row_values(
    connection: Connection, table: Table, columns: tuple[str, ...]
) -> Callable[[Row], Sequence[Any]]:
    """A row's values in ``columns`` order, bind-processed where the column type asks."""
    dialect = connection.dialect
    processors = [
        (index, processor)
        for index, name in enumerate(columns)
        if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    pick = operator.itemgetter(*columns)
    if len(columns) == 1:
        return lambda row: [pick(row)] if not processors else [processors[0][1](pick(row))]
    if not processors:
        return pick  # type: ignore[return-value]

    def values(row: Row) -> list[Any]:
        picked = list(pick(row))
        for index, processor in processors:
            picked[index] = processor(picked[index])
        return picked

    return values
