"""Every published integration event, by (source, event type): what consumers may receive."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ecbm_integration import (  # noqa: F401  (define the services' events)
    alerts,
    events,
    matching,
    quality,
    registry,
)
from ecbm_integration.base import IntegrationEvent


def _published(base: type[IntegrationEvent]) -> list[type[IntegrationEvent]]:
    """Every leaf subclass: per-service bases (RegistryEvent) are not events themselves."""
    leaves: list[type[IntegrationEvent]] = []
    for subclass in base.__subclasses__():
        leaves += _published(subclass) if subclass.__subclasses__() else [subclass]
    return leaves


_EVENTS: tuple[type[IntegrationEvent], ...] = tuple(
    sorted(_published(IntegrationEvent), key=lambda event: (event.source, event.event_type()))
)

CATALOGUE: Mapping[tuple[str, str], type[IntegrationEvent]] = MappingProxyType(
    {(event.source, event.event_type()): event for event in _EVENTS}
)
"""(source, event type) -> event class: every event class defined under ecbm_integration."""


def resolve(source: str, event_type: str) -> type[IntegrationEvent] | None:
    """The event class published by ``source`` under routing key ``event_type``, if any."""
    return CATALOGUE.get((source, event_type))
