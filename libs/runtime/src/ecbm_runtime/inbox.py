"""Inbox: a consumer records each event id with its effects, so redelivery changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from ecbm_runtime.db import is_postgresql
from ecbm_runtime.tables import inbox

# INSERT ... ON CONFLICT DO NOTHING RETURNING: one round trip, where a SAVEPOINT around
# a plain INSERT took three. A row comes back only if this delivery is new.
_CLAIM = {
    name: dialect_insert(inbox)
    .on_conflict_do_nothing(index_elements=[inbox.c.handler, inbox.c.event_id])
    .returning(inbox.c.handler)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


@dataclass(frozen=True)
class Delivery:
    """The message a worker is handling: which handler, which event."""

    handler: str
    event_id: str


class DuplicateDelivery(Exception):
    """This handler already committed the effects of this event."""


current_delivery: ContextVar[Delivery | None] = ContextVar("current_delivery", default=None)


@contextmanager
def delivering(delivery: Delivery) -> Iterator[None]:
    """Mark the code inside as handling ``delivery``; units of work then claim it."""
    token = current_delivery.set(delivery)
    try:
        yield
    finally:
        current_delivery.reset(token)


def claim(connection: Connection, delivery: Delivery) -> None:
    """Record the delivery as processed in the caller's transaction.

    Runs first in the transaction: a concurrent duplicate then waits on the primary key
    (ON CONFLICT waits for the first transaction to end, like a plain INSERT) and is
    refused here, before computing any effect. Raises DuplicateDelivery.
    """
    claimed = connection.execute(
        _CLAIM["postgresql" if is_postgresql(connection) else "sqlite"],
        {
            "handler": delivery.handler,
            "event_id": delivery.event_id,
            "processed_at": datetime.now(UTC),
        },
    ).first()
    if claimed is None:
        raise DuplicateDelivery(f"{delivery.handler} already handled {delivery.event_id}")
