"""Lookups of one row by key, the hot path of every Get query.

On PostgreSQL the statement is compiled once and run on the driver's own cursor as a
prepared statement: SQLAlchemy's per-call work (cache key, parameter processing, the
``CursorResult`` and ``RowMapping`` machinery) was most of a GetProgramme's handler time,
and psycopg already returns JSON, arrays and aware timestamps as Python values. Elsewhere
(SQLite, whose driver returns JSON as text) it runs through SQLAlchemy as before.

A driver error is raised as SQLAlchemy would raise it (``OperationalError`` for a lost
server, with the connection invalidated), so callers and the gRPC error mapping see one
kind of database error whichever path ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg.rows import dict_row
from sqlalchemy import Connection, Select
from sqlalchemy import exc as sa_exc


class RowLookup:
    """``select(...).where(column == bindparam(name))``, run for one row at a time."""

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._postgresql: str | None = None

    def first(self, connection: Connection, **params: Any) -> Mapping[str, Any] | None:
        """The first row the statement yields for ``params``, by column name; None if none."""
        if connection.dialect.name != "postgresql":
            row = connection.execute(self._statement, params).mappings().first()
            return dict(row) if row is not None else None
        if self._postgresql is None:
            self._postgresql = str(self._statement.compile(dialect=connection.dialect))
        driver = connection.connection.driver_connection
        assert driver is not None
        try:
            with driver.cursor(row_factory=dict_row) as cursor:
                cursor.execute(self._postgresql, params, prepare=True)  # type: ignore[arg-type]
                found: dict[str, Any] | None = cursor.fetchone()
        except psycopg.Error as error:
            raise self._as_sqlalchemy_error(connection, driver, error, params) from error
        return found

    def _as_sqlalchemy_error(
        self,
        connection: Connection,
        driver: psycopg.Connection[Any],
        error: psycopg.Error,
        params: Mapping[str, Any],
    ) -> sa_exc.StatementError:
        """``error`` wrapped as SQLAlchemy wraps driver errors; a broken connection is
        invalidated so the pool never hands it out again."""
        lost = driver.broken or driver.closed
        if lost:
            connection.invalidate(error)
        return sa_exc.DBAPIError.instance(
            self._postgresql, dict(params), error, psycopg.Error, hide_parameters=True,
            connection_invalidated=lost, dialect=connection.dialect,
        )  # fmt: skip
