"""The shared-resources area of the registry: drafts, editorial workflow, the story feed."""

from __future__ import annotations

from ecbm_registry.adapters.resources.projections import RESOURCE_PROJECTIONS
from ecbm_registry.adapters.resources.read_models import RESOURCE_TABLES
from ecbm_registry.application.resources.handlers import HANDLERS
from ecbm_registry.application.resources.integration import RESOURCE_INTEGRATION
from ecbm_runtime.wiring import Area

AREA = Area(
    domain_events=tuple(RESOURCE_PROJECTIONS),
    projections=RESOURCE_PROJECTIONS,
    integration=RESOURCE_INTEGRATION,
    handlers=HANDLERS,
    read_model_tables=RESOURCE_TABLES,
)
