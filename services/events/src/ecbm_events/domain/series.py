"""Series: a group of events of one kind (e.g. the webinar series "Evidence Fridays").

A series is its own resource so that events name it by id (``Event.series_id``) and
readers list a series' events; a draft series is seen by editors only.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, Self

from ecbm_events.domain.event import EventKind
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound


class SeriesCreated(DomainEvent):
    kind: EventKind
    title: str
    description: str = ""
    published: bool = False


class SeriesChanged(DomainEvent):
    """Title, description and whether it is published, all as now."""

    title: str
    description: str = ""
    published: bool = False


class SeriesNotFound(NotFound):
    """No series has this id (or the caller may not see it)."""


class Series(Aggregate):
    """A series of events. Invariant: its kind is fixed at creation."""

    stream_prefix = "series"

    kind: EventKind
    title: str
    description: str
    published: bool

    @classmethod
    def create(
        cls, id: str, kind: EventKind, title: str, description: str, published: bool
    ) -> Self:
        series = cls(id)
        series.record(
            SeriesCreated(kind=kind, title=title, description=description, published=published)
        )
        return series

    def change(self, title: str, description: str, published: bool) -> None:
        """Records a change only when something changes."""
        if (title, description, published) != (self.title, self.description, self.published):
            self.record(SeriesChanged(title=title, description=description, published=published))

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: SeriesCreated) -> None:
        self.kind, self.title = event.kind, event.title
        self.description, self.published = event.description, event.published

    @apply.register
    def _(self, event: SeriesChanged) -> None:
        self.title, self.description = event.title, event.description
        self.published = event.published
