"""Inbox: a consumer records each event id with its effects, so redelivery changes nothing.

The claim itself is the event store's (``EventStore.claim``): one INSERT ... ON CONFLICT
DO NOTHING in the handler's transaction, written in each database's dialect.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Delivery:
    """The message a worker is handling: which handler, which event."""

    handler: str
    event_id: str


class DuplicateDelivery(Exception):
    """This handler already committed the effects of this event."""
