"""Event-sourced aggregates: command methods guard, then record events; apply changes state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict


class DomainEvent(BaseModel):
    """A fact in one aggregate's private history. The class name is the stored type.

    Raise ``schema_version`` and register an upcaster when the stored shape changes.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    schema_version: ClassVar[int] = 1


class Aggregate:
    """Base of event-sourced aggregates.

    Subclasses implement ``apply(event)`` (one branch per event type, usually a
    ``functools.singledispatchmethod``) and build new instances with a classmethod that
    records the creating event. ``version`` counts the events applied so far.
    """

    stream_prefix: ClassVar[str] = ""

    def __init__(self, id: str) -> None:
        self.id = id
        self.version = 0
        self._new_events: list[DomainEvent] = []

    @classmethod
    def stream_id_for(cls, id: str) -> str:
        return f"{cls.stream_prefix}-{id}"

    @property
    def stream_id(self) -> str:
        return self.stream_id_for(self.id)

    @classmethod
    def rebuild(cls, id: str, history: Iterable[DomainEvent]) -> Self:
        aggregate = cls.__new__(cls)
        Aggregate.__init__(aggregate, id)
        for event in history:
            aggregate.apply(event)
            aggregate.version += 1
        return aggregate

    def apply(self, event: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} cannot apply {type(event).__name__}")

    def record(self, event: DomainEvent) -> None:
        """Apply a new event and keep it for the unit of work to store."""
        self.apply(event)
        self.version += 1
        self._new_events.append(event)

    def collect_new_events(self) -> list[DomainEvent]:
        events, self._new_events = self._new_events, []
        return events

    @property
    def has_new_events(self) -> bool:
        return bool(self._new_events)
