"""Lookups of one row by key, the hot path of every Get query.

On PostgreSQL the statement is compiled once and run on the driver's own cursor as a
prepared statement: SQLAlchemy's per-call work (cache key, parameter processing, the
``CursorResult`` and ``RowMapping`` machinery) was most of a GetProgramme's handler time,
and psycopg already returns JSON, arrays and aware timestamps as Python values. Elsewhere
(SQLite, whose driver returns JSON as text) it runs through SQLAlchemy as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg.rows import dict_row
from sqlalchemy import Connection, Select


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
        with driver.cursor(row_factory=dict_row) as cursor:
            cursor.execute(self._postgresql, params, prepare=True)  # type: ignore[arg-type]
            found: dict[str, Any] | None = cursor.fetchone()
        return found
