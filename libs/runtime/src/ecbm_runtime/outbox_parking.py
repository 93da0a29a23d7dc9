"""Parked outbox rows, as operators see and release them (``ecbm outbox list|retry``).

The relay parks a row the broker refused ``outbox_max_attempts`` times; the rows of its
stream behind it wait. Retrying a row clears its parking and its attempts: the worker's next
sweep publishes it, then the rows that waited behind it, in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select, update

from ecbm_runtime.tables import outbox


@dataclass(frozen=True)
class ParkedRow:
    """One parked outbox row and how many rows of its stream wait behind it."""

    id: int
    event_id: str
    exchange: str
    routing_key: str
    stream: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    parked_at: datetime
    waiting_behind: int

    def __str__(self) -> str:
        return (
            f"#{self.id} {self.exchange} {self.routing_key} event {self.event_id} "
            f"stream {self.stream or '-'}: parked {self.parked_at:%Y-%m-%d %H:%M:%S} after "
            f"{self.attempts} attempt(s), {self.waiting_behind} row(s) waiting behind; "
            f"last error: {self.last_error}"
        )


def parked_rows(engine: Engine, limit: int = 100) -> list[ParkedRow]:
    """The oldest ``limit`` parked rows (nothing changes)."""
    behind = outbox.alias("behind")
    waiting = (
        select(func.count())
        .where(
            behind.c.stream == outbox.c.stream,
            behind.c.id > outbox.c.id,
            behind.c.published_at.is_(None),
        )
        .scalar_subquery()
    )
    query = (
        select(
            outbox.c.id,
            outbox.c.event_id,
            outbox.c.exchange,
            outbox.c.routing_key,
            outbox.c.stream,
            outbox.c.attempts,
            outbox.c.last_error,
            outbox.c.created_at,
            outbox.c.parked_at,
            waiting.label("waiting_behind"),
        )
        .where(outbox.c.parked_at.is_not(None), outbox.c.published_at.is_(None))
        .order_by(outbox.c.id)
        .limit(limit)
    )
    with engine.connect() as connection:
        return [ParkedRow(**row._mapping) for row in connection.execute(query)]


def retry_parked(engine: Engine, ids: Sequence[int] | None = None) -> int:
    """Release parked rows (``ids``, or every one when None) for the next sweep; how many.

    Attempts start again from zero; the last error stays until the row is published.
    """
    statement = (
        update(outbox)
        .where(outbox.c.parked_at.is_not(None), outbox.c.published_at.is_(None))
        .values(parked_at=None, attempts=0)
    )
    if ids is not None:
        statement = statement.where(outbox.c.id.in_(list(ids)))
    with engine.begin() as connection:
        return int(connection.execute(statement).rowcount)
