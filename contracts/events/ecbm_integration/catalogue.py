"""Every published integration event, by (source, event type): what consumers may receive."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ecbm_integration.base import IntegrationEvent
from ecbm_integration.registry import OrganisationRegistered, ProgrammeRegistered

_EVENTS: tuple[type[IntegrationEvent], ...] = (
    OrganisationRegistered,
    ProgrammeRegistered,
)

CATALOGUE: Mapping[tuple[str, str], type[IntegrationEvent]] = MappingProxyType(
    {(event.source, event.event_type()): event for event in _EVENTS}
)
"""(source, event type) -> event class; add each new event class to ``_EVENTS``."""


def resolve(source: str, event_type: str) -> type[IntegrationEvent] | None:
    """The event class published by ``source`` under routing key ``event_type``, if any."""
    return CATALOGUE.get((source, event_type))
