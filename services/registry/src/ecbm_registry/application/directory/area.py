"""The programme directory area: search and map over its own read model of programmes.

It owns no aggregate: its projections follow the programmes area's events, and the
quality service's label events (consumed by the worker) set each programme's level.
"""

from __future__ import annotations

from ecbm_integration import quality
from ecbm_registry.adapters.directory.projections import DIRECTORY_PROJECTIONS
from ecbm_registry.adapters.directory.read_models import DIRECTORY_READ_MODEL_TABLES
from ecbm_registry.application.area import Area
from ecbm_registry.application.directory import handlers, queries

AREA = Area(
    domain_events=(),
    projections=DIRECTORY_PROJECTIONS,
    command_handlers={
        quality.QualityLabelAwarded: handlers.on_quality_label_awarded,
        quality.QualityLabelWithdrawn: handlers.on_quality_label_withdrawn,
    },
    query_handlers={
        queries.SearchProgrammes: handlers.search_programmes,
        queries.GetMap: handlers.get_map,
    },
    read_model_tables=DIRECTORY_READ_MODEL_TABLES,
)
