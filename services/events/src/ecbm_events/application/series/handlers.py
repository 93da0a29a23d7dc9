"""Handlers of the series area: ``handler(message, deps)``, one per use case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecbm_events.adapters.series.views import SeriesPage, SeriesView
from ecbm_events.application.series.commands import (
    CreateSeries,
    GetSeries,
    ListSeries,
    UpdateSeries,
)
from ecbm_events.domain.series import Series, SeriesNotFound
from ecbm_runtime.ids import new_id

if TYPE_CHECKING:
    from ecbm_events.application.dependencies import EventsDependencies


def create_series(command: CreateSeries, deps: EventsDependencies) -> str:
    """The new series' id; a retried ``request_id`` gets the first one's."""
    key = f"{command.actor.subject}:{command.request_id}" if command.request_id else ""
    series_id = new_id("series", key)
    with deps.uow() as work:
        series = work.repository(Series)
        if not series.exists(series_id):
            series.add(
                Series.create(
                    series_id, command.kind, command.title, command.description, command.published
                )
            )
            work.commit()
    return series_id


def update_series(command: UpdateSeries, deps: EventsDependencies) -> str:
    with deps.uow() as work:
        series = work.repository(Series).find(command.series_id)
        if series is None:
            raise SeriesNotFound(f"series {command.series_id!r} does not exist")
        series.change(command.title, command.description, command.published)
        work.commit()
    return command.series_id


def get_series(query: GetSeries, deps: EventsDependencies) -> SeriesView:
    """A draft is NOT_FOUND to anyone but editors."""
    with deps.read() as views:
        found = views.series.one(query.series_id)
    if found is None or not (found.published or query.actor.is_editor):
        raise SeriesNotFound(f"series {query.series_id!r} does not exist")
    return found


def list_series(query: ListSeries, deps: EventsDependencies) -> SeriesPage:
    with deps.read() as views:
        return views.series.page(
            drafts=query.actor.is_editor,
            kind=query.kind,
            size=query.page_size,
            offset=query.offset,
        )
