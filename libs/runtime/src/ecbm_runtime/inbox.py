"""Inbox: a consumer records each event id with its effects, so redelivery changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert
from sqlalchemy.exc import IntegrityError

from ecbm_runtime.tables import inbox


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
    and fails here, before computing any effect. Raises DuplicateDelivery.
    """
    try:
        with connection.begin_nested():
            connection.execute(
                insert(inbox).values(
                    handler=delivery.handler,
                    event_id=delivery.event_id,
                    processed_at=datetime.now(UTC),
                )
            )
    except IntegrityError as error:
        raise DuplicateDelivery(
            f"{delivery.handler} already handled {delivery.event_id}"
        ) from error
