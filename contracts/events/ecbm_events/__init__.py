"""ECBM integration events: the messages services publish on the bus (see contracts/README.md)."""

from ecbm_events.base import IntegrationEvent
from ecbm_events.catalogue import CATALOGUE, resolve
from ecbm_events.registry import OrganisationRegistered, ProgrammeRegistered

__all__ = [
    "CATALOGUE",
    "IntegrationEvent",
    "OrganisationRegistered",
    "ProgrammeRegistered",
    "resolve",
]
