"""A change counter: a number that moves once per committed transaction that changed what a
cache is built from, so whoever keeps the cache knows whether it is still current.

Counting the rows, or taking their latest change time, misses a transaction that commits
after a later-stamped one, and a delete plus an add. On PostgreSQL the counter is a
sequence moved right after the commit (``ecbm_runtime.db.after_commit``): moved inside the
transaction, one counter row would hold every concurrent writer back from its update to its
COMMIT. A reader reads the counter before (or with) the rows, so a cache kept under a value
holds at least what that value announced. SQLite has one writer at a time: there a column
of a one-row table moves inside the transaction. Either way once per transaction, however
many rows it changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, Connection, func, literal_column, select, update

from ecbm_runtime.db import after_commit, is_postgresql

__all__ = ["ChangeCounter"]


@dataclass(frozen=True)
class ChangeCounter:
    """``sequence`` on PostgreSQL; ``column`` of the row with id 1 of its table on SQLite.

    The service's migration creates both (the sequence on PostgreSQL only, the row on both).
    """

    sequence: str
    column: Column[int]

    def move(self, connection: Connection) -> None:
        """What the counter counts changed in this transaction (once per transaction)."""
        if is_postgresql(connection):
            after_commit(connection, self.sequence, self._move_sequence)
            return
        transaction = connection.get_transaction()
        if transaction is not None and connection.info.get(self.sequence) is transaction:
            return
        table = self.column.table
        connection.execute(
            update(table).where(table.c.id == 1).values({self.column.name: self.column + 1})
        )
        connection.info[self.sequence] = transaction

    def value(self, connection: Connection) -> ColumnElement[int]:
        """The counter as a scalar to select, alone or beside other columns."""
        if is_postgresql(connection):  # a new sequence's first nextval returns last_value
            return literal_column(
                f"(SELECT last_value - CASE WHEN is_called THEN 0 ELSE 1 END"
                f" FROM {self.sequence})"
            )
        table = self.column.table
        return select(self.column).where(table.c.id == 1).scalar_subquery()

    def _move_sequence(self, connection: Connection) -> None:
        connection.execute(select(func.nextval(self.sequence)))
