"""Base of the events service's integration events (exchange ``events.events``)."""

from __future__ import annotations

from typing import ClassVar

from ecbm_integration.base import IntegrationEvent


class EventsServiceEvent(IntegrationEvent):
    """Base of the events service's integration events."""

    source: ClassVar[str] = "events"
