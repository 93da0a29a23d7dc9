"""The programme directory area: search and map over its own read model of programmes.

It owns no aggregate: its projections follow the programmes area's events, and the
quality service's label events (consumed by the worker) set each programme's level.
"""

from __future__ import annotations

from ecbm_registry.adapters.directory.projections import DIRECTORY_PROJECTIONS
from ecbm_registry.adapters.directory.read_models import DIRECTORY_READ_MODEL_TABLES
from ecbm_registry.application.directory.handlers import HANDLERS
from ecbm_runtime.wiring import Area

AREA = Area(
    projections=DIRECTORY_PROJECTIONS,
    handlers=HANDLERS,
    read_model_tables=DIRECTORY_READ_MODEL_TABLES,
)
