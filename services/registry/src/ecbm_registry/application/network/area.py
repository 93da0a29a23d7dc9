"""The Brussels-network area of the registry: policy contacts, stances, interactions."""

from __future__ import annotations

from ecbm_registry.adapters.network.projections import NETWORK_PROJECTIONS
from ecbm_registry.adapters.network.read_models import NETWORK_TABLES
from ecbm_registry.application.area import Area
from ecbm_registry.application.network.handlers import COMMAND_HANDLERS, QUERY_HANDLERS
from ecbm_registry.application.network.integration import NETWORK_INTEGRATION
from ecbm_registry.domain.interaction import InteractionLogged
from ecbm_registry.domain.policy_contact import (
    PolicyContactAdded,
    PolicyContactDetailsChanged,
    PolicyContactWithdrawn,
    StanceChanged,
)

AREA = Area(
    domain_events=(
        PolicyContactAdded,
        PolicyContactDetailsChanged,
        StanceChanged,
        PolicyContactWithdrawn,
        InteractionLogged,
    ),
    projections=NETWORK_PROJECTIONS,
    integration=NETWORK_INTEGRATION,
    command_handlers=COMMAND_HANDLERS,
    query_handlers=QUERY_HANDLERS,
    read_model_tables=NETWORK_TABLES,
)
