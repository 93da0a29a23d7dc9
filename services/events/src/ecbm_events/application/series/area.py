"""The series area: everything it wires into the events service."""

from __future__ import annotations

from ecbm_events.adapters.series.projections import (
    project_series_changed,
    project_series_created,
)
from ecbm_events.adapters.series.tables import event_series
from ecbm_events.application.series import commands, handlers
from ecbm_events.domain.series import SeriesChanged, SeriesCreated
from ecbm_runtime.wiring import Area

AREA = Area(
    domain_events=[SeriesCreated, SeriesChanged],
    projections={
        SeriesCreated: [project_series_created],
        SeriesChanged: [project_series_changed],
    },
    handlers={
        commands.CreateSeries: handlers.create_series,
        commands.UpdateSeries: handlers.update_series,
        commands.GetSeries: handlers.get_series,
        commands.ListSeries: handlers.list_series,
    },
    read_model_tables=[event_series],
)
