"""The shared-resources area of the registry: drafts, editorial workflow, the story feed."""

from __future__ import annotations

from ecbm_registry.adapters.resources.projections import RESOURCE_PROJECTIONS
from ecbm_registry.adapters.resources.read_models import RESOURCE_TABLES
from ecbm_registry.application.area import Area
from ecbm_registry.application.resources.handlers import COMMAND_HANDLERS, QUERY_HANDLERS
from ecbm_registry.application.resources.integration import RESOURCE_INTEGRATION

AREA = Area(
    domain_events=tuple(RESOURCE_PROJECTIONS),
    projections=RESOURCE_PROJECTIONS,
    integration=RESOURCE_INTEGRATION,
    command_handlers=COMMAND_HANDLERS,
    query_handlers=QUERY_HANDLERS,
    read_model_tables=RESOURCE_TABLES,
)
