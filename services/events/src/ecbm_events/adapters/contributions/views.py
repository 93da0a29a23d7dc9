"""Reads of the contributions' read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from ecbm_events.adapters.contributions.tables import contributions
from ecbm_events.adapters.programme.views import aware
from ecbm_events.domain.contribution import ContributionState


@dataclass(frozen=True)
class ContributionView:
    id: str
    event_id: str
    person_id: str
    title: str
    abstract: str
    state: ContributionState
    review_note: str
    session_id: str
    version: int
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class ContributionPage:
    contributions: list[ContributionView]
    next_offset: int | None
    total_size: int


class ContributionViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def contribution(self, contribution_id: str) -> ContributionView | None:
        row = (
            self._connection.execute(
                select(contributions).where(contributions.c.id == contribution_id)
            )
            .mappings()
            .first()
        )
        return _view(row) if row else None

    def of_person(self, person_id: str) -> list[str]:
        query = select(contributions.c.id).where(contributions.c.person_id == person_id)
        return list(self._connection.execute(query).scalars())

    def page(
        self, *, event_id: str, person_id: str | None, size: int, offset: int
    ) -> ContributionPage:
        query = select(contributions).where(contributions.c.event_id == event_id)
        if person_id is not None:
            query = query.where(contributions.c.person_id == person_id)
        total = self._connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        ordered = query.order_by(contributions.c.create_time, contributions.c.id)
        rows = list(self._connection.execute(ordered.offset(offset).limit(size + 1)).mappings())
        next_offset = offset + size if len(rows) > size else None
        return ContributionPage([_view(r) for r in rows[:size]], next_offset, int(total))


def _view(row: Any) -> ContributionView:
    return ContributionView(
        id=row["id"],
        event_id=row["event_id"],
        person_id=row["person_id"],
        title=row["title"],
        abstract=row["abstract"],
        state=ContributionState(row["state"]),
        review_note=row["review_note"],
        session_id=row["session_id"],
        version=row["version"],
        create_time=aware(row["create_time"]),
        update_time=aware(row["update_time"]),
    )
