"""Reads of the events' read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, func, select

from ecbm_events.adapters.programme.tables import (
    event_listings,
    event_materials,
    event_reminders,
    event_sessions,
)
from ecbm_events.domain.event import EventDetails, EventKind, Reminder
from ecbm_events.domain.materials import Material
from ecbm_events.domain.places import Quota
from ecbm_events.domain.timetable import Slot
from ecbm_runtime.db import among


@dataclass(frozen=True)
class EventView:
    id: str
    details: EventDetails
    sessions: tuple[Slot, ...]
    state: str
    version: int
    create_time: datetime
    update_time: datetime

    @property
    def published(self) -> bool:
        return self.state == "published"


@dataclass(frozen=True)
class EventPage:
    events: list[EventView]
    next_offset: int | None
    total_size: int


class ProgrammeViews:
    """The events' read model on one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def event(self, event_id: str) -> EventView | None:
        found = self.events([event_id])
        return found[0] if found else None

    def events(self, event_ids: list[str]) -> list[EventView]:
        """The events among ``event_ids`` that exist, by start time."""
        if not event_ids:
            return []
        query = select(event_listings).where(
            among(self._connection, event_listings.c.id, event_ids)
        )
        return self._views(list(self._connection.execute(query.order_by(*_ORDER)).mappings()))

    def materials(self, event_id: str) -> list[Material]:
        """The event's recordings and materials, in the order they were published."""
        m = event_materials.c
        query = select(event_materials).where(m.event_id == event_id)
        rows = self._connection.execute(query.order_by(m.published_at, m.id)).mappings()
        return [_material(row) for row in rows]

    def due_reminders(
        self,
        now: datetime,
        days_before: timedelta,
        hours_before: timedelta,
        after_within: timedelta,
    ) -> list[tuple[str, Reminder]]:
        """(event, reminder) pairs that are due now and have not gone out."""
        e = event_listings.c
        windows: list[tuple[Reminder, Any]] = [
            ("days_before", and_(e.starts_at <= now + days_before, e.starts_at > now)),
            ("hours_before", and_(e.starts_at <= now + hours_before, e.starts_at > now)),
            ("after", and_(e.ends_at <= now, e.ends_at > now - after_within)),
        ]
        due: list[tuple[str, Reminder]] = []
        for reminder, window in windows:
            sent = exists().where(
                event_reminders.c.event_id == e.id, event_reminders.c.reminder == reminder
            )
            query = select(e.id).where(e.state == "published", window, ~sent).order_by(e.starts_at)
            due += [(event_id, reminder) for event_id in self._connection.execute(query).scalars()]
        return due

    def page(
        self,
        *,
        drafts: bool,
        kind: EventKind | None,
        series: str,
        size: int,
        offset: int,
        series_id: str = "",
    ) -> EventPage:
        query: Select[Any] = select(event_listings)
        if not drafts:
            query = query.where(event_listings.c.state == "published")
        if kind is not None:
            query = query.where(event_listings.c.kind == kind.value)
        if series:
            query = query.where(event_listings.c.series == series)
        if series_id:
            query = query.where(event_listings.c.series_id == series_id)
        total = self._connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        rows = list(
            self._connection.execute(
                query.order_by(*_ORDER).offset(offset).limit(size + 1)
            ).mappings()
        )
        next_offset = offset + size if len(rows) > size else None
        return EventPage(self._views(rows[:size]), next_offset, int(total))

    def _views(self, rows: list[Any]) -> list[EventView]:
        ids = [row["id"] for row in rows]
        sessions: dict[str, list[Slot]] = {}
        if ids:
            query = (
                select(event_sessions)
                .where(among(self._connection, event_sessions.c.event_id, ids))
                .order_by(event_sessions.c.starts_at, event_sessions.c.id)
            )
            for s in self._connection.execute(query).mappings():
                sessions.setdefault(s["event_id"], []).append(
                    Slot(
                        id=s["id"],
                        title=s["title"],
                        starts_at=aware(s["starts_at"]),
                        ends_at=aware(s["ends_at"]),
                        room=s["room"],
                        online=s["online"],
                        speakers=tuple(s["speakers"]),
                        abstract=s["abstract"],
                    )
                )
        return [_view(row, tuple(sessions.get(row["id"], ()))) for row in rows]


_ORDER = (event_listings.c.starts_at, event_listings.c.id)


def _view(row: Any, sessions: tuple[Slot, ...]) -> EventView:
    closes = row["registration_closes_at"]
    details = EventDetails(
        kind=EventKind(row["kind"]),
        title=row["title"],
        description=row["description"],
        time_zone=row["time_zone"],
        starts_at=aware(row["starts_at"]),
        ends_at=aware(row["ends_at"]),
        venue=row["venue"],
        on_site_places=row["on_site_places"],
        online_places=row["online_places"],
        waiting_list=row["waiting_list"],
        moderated=row["moderated"],
        registration_closes_at=aware(closes) if closes else None,
        series=row["series"],
        series_id=row["series_id"],
        stream_url=row["stream_url"],
        ticket_types=tuple(row["ticket_types"]),
        quotas=tuple(Quota.model_validate(q) for q in row["quotas"]),
    )
    return EventView(
        id=row["id"],
        details=details,
        sessions=sessions,
        state=row["state"],
        version=row["version"],
        create_time=aware(row["create_time"]),
        update_time=aware(row["update_time"]),
    )


def _material(row: Any) -> Material:
    fields = {key: value for key, value in row.items() if key != "event_id"}
    return Material.model_validate({**fields, "published_at": aware(row["published_at"])})


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
