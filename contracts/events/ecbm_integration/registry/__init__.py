"""Integration events published by the registry service (exchange ``registry.events``).

One module per area of the registry; each event class is re-exported here.
"""

from ecbm_integration.registry.base import RegistryEvent
from ecbm_integration.registry.programmes import OrganisationRegistered, ProgrammeRegistered

__all__ = ["OrganisationRegistered", "ProgrammeRegistered", "RegistryEvent"]
