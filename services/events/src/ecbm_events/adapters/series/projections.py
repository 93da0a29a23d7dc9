"""Projections of the series' domain events to the series table."""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from ecbm_events.adapters.series.tables import event_series
from ecbm_events.domain.series import SeriesChanged, SeriesCreated
from ecbm_runtime.eventstore import StoredEvent


def project_series_created(
    connection: Connection, event: SeriesCreated, record: StoredEvent
) -> None:
    connection.execute(
        insert(event_series).values(
            id=record.entity_id,
            kind=event.kind.value,
            title=event.title,
            description=event.description,
            published=event.published,
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )


def project_series_changed(
    connection: Connection, event: SeriesChanged, record: StoredEvent
) -> None:
    connection.execute(
        update(event_series)
        .where(event_series.c.id == record.entity_id)
        .values(
            title=event.title,
            description=event.description,
            published=event.published,
            version=record.version,
            update_time=record.recorded_at,
        )
    )
