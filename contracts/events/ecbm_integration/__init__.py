"""ECBM integration events: the messages services publish on the bus (see contracts/README.md)."""

from ecbm_integration.base import IntegrationEvent
from ecbm_integration.catalogue import CATALOGUE, resolve
from ecbm_integration.registry import OrganisationRegistered, ProgrammeRegistered

__all__ = [
    "CATALOGUE",
    "IntegrationEvent",
    "OrganisationRegistered",
    "ProgrammeRegistered",
    "resolve",
]
