"""The Brussels-network area of the registry: policy contacts, stances, interactions."""

from __future__ import annotations

from ecbm_registry.adapters.network.projections import NETWORK_PROJECTIONS
from ecbm_registry.adapters.network.read_models import NETWORK_TABLES
from ecbm_registry.application.network.handlers import HANDLERS
from ecbm_registry.application.network.integration import NETWORK_INTEGRATION
from ecbm_registry.domain.interaction import InteractionLogged
from ecbm_registry.domain.policy_contact import (
    PolicyContactAdded,
    PolicyContactDetailsChanged,
    PolicyContactWithdrawn,
    StanceChanged,
)
from ecbm_runtime.wiring import Area

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
    handlers=HANDLERS,
    read_model_tables=NETWORK_TABLES,
)
