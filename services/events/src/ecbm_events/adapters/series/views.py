"""Reads of the series' read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select

from ecbm_events.adapters.programme.views import aware
from ecbm_events.adapters.series.tables import event_series
from ecbm_events.domain.event import EventKind


@dataclass(frozen=True)
class SeriesView:
    id: str
    kind: EventKind
    title: str
    description: str
    published: bool
    version: int
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class SeriesPage:
    series: list[SeriesView]
    next_offset: int | None
    total_size: int


class SeriesViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def one(self, series_id: str) -> SeriesView | None:
        query = select(event_series).where(event_series.c.id == series_id)
        row = self._connection.execute(query).mappings().first()
        return _view(row) if row else None

    def page(self, *, drafts: bool, kind: EventKind | None, size: int, offset: int) -> SeriesPage:
        s = event_series.c
        query: Select[Any] = select(event_series)
        if not drafts:
            query = query.where(s.published.is_(True))
        if kind is not None:
            query = query.where(s.kind == kind.value)
        total = self._connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        ordered = query.order_by(s.title, s.id).offset(offset).limit(size + 1)
        rows = list(self._connection.execute(ordered).mappings())
        next_offset = offset + size if len(rows) > size else None
        return SeriesPage([_view(r) for r in rows[:size]], next_offset, int(total))


def _view(row: Any) -> SeriesView:
    return SeriesView(
        id=row["id"],
        kind=EventKind(row["kind"]),
        title=row["title"],
        description=row["description"],
        published=bool(row["published"]),
        version=row["version"],
        create_time=aware(row["create_time"]),
        update_time=aware(row["update_time"]),
    )
