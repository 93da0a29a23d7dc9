"""Projections of events' domain events to the listings and sessions tables."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from ecbm_events.adapters.programme.tables import (
    event_listings,
    event_materials,
    event_reminders,
    event_sessions,
)
from ecbm_events.domain.event import (
    EventPublished,
    EventScheduled,
    PlacesChanged,
    RemindersSent,
    SeriesChosen,
    SessionAdded,
)
from ecbm_events.domain.materials import MaterialPublished
from ecbm_events.domain.timetable import Slot
from ecbm_runtime.eventstore import StoredEvent


def project_event_scheduled(
    connection: Connection, event: EventScheduled, record: StoredEvent
) -> None:
    details = event.details.model_dump()
    connection.execute(
        insert(event_listings).values(
            id=record.entity_id,
            **details,
            state="draft",
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )
    for slot in event.sessions:
        _insert_session(connection, record.entity_id, slot)


def project_event_published(
    connection: Connection, event: EventPublished, record: StoredEvent
) -> None:
    _touch(connection, record, state="published")


def project_session_added(connection: Connection, event: SessionAdded, record: StoredEvent) -> None:
    _insert_session(connection, record.entity_id, event.session)
    _touch(connection, record)


def project_places_changed_listing(
    connection: Connection, event: PlacesChanged, record: StoredEvent
) -> None:
    listed = connection.execute(
        select(event_listings.c.quotas).where(event_listings.c.id == record.entity_id)
    ).scalar_one()
    sizes = event.quota_places
    quotas = [{**q, "places": sizes.get(q["name"], q["places"])} for q in listed]
    _touch(
        connection,
        record,
        on_site_places=event.on_site_places,
        online_places=event.online_places,
        quotas=quotas,
    )


def project_series_chosen(connection: Connection, event: SeriesChosen, record: StoredEvent) -> None:
    _touch(connection, record, series_id=event.series_id, series=event.series)


def project_reminders_sent(
    connection: Connection, event: RemindersSent, record: StoredEvent
) -> None:
    connection.execute(
        insert(event_reminders).values(
            event_id=record.entity_id, reminder=event.reminder, sent_at=record.recorded_at
        )
    )
    _touch(connection, record)


def project_material_published(
    connection: Connection, event: MaterialPublished, record: StoredEvent
) -> None:
    values = event.material.model_dump()
    connection.execute(insert(event_materials).values(event_id=record.entity_id, **values))
    _touch(connection, record)


def _insert_session(connection: Connection, event_id: str, slot: Slot) -> None:
    values = slot.model_dump()
    values["speakers"] = list(slot.speakers)
    connection.execute(insert(event_sessions).values(event_id=event_id, **values))


def _touch(connection: Connection, record: StoredEvent, **values: object) -> None:
    connection.execute(
        update(event_listings)
        .where(event_listings.c.id == record.entity_id)
        .values(version=record.version, update_time=record.recorded_at, **values)
    )
