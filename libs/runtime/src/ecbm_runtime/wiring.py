"""One wiring style for every service: areas merged into one routing table, one application.

A service is a list of ``Area``s (programmes, people, newsletter, …). Each area names its
domain events, projections, integration translations, handlers and read-model tables;
``merged`` joins them and refuses a message or event claimed twice. ``bootstrap`` in each
service builds one ``Dependencies`` object and returns an ``Application``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, Table

from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.messagebus import Dependencies, Handler, MessageBus
from ecbm_runtime.outbox import IntegrationEventLike
from ecbm_runtime.uow import EventWiring, Projection, Translation, no_subject

D = TypeVar("D", bound=Dependencies[Any])


@dataclass(frozen=True)
class Area:
    """One area of a service and everything it wires in.

    ``handlers`` route commands, queries and consumed integration events alike; each
    handler is ``(message, deps)`` with the service's ``Dependencies``.
    """

    domain_events: Sequence[type[DomainEvent]] = ()
    projections: Mapping[type[DomainEvent], Sequence[Projection]] = field(default_factory=dict)
    integration: Mapping[type[DomainEvent], Translation] = field(default_factory=dict)
    handlers: Mapping[type, Handler] = field(default_factory=dict)
    read_model_tables: Sequence[Table] = ()

    def event_wiring(
        self,
        service: str,
        codec: EventCodec | None = None,
        subject: Callable[[IntegrationEventLike], str | None] | None = None,
    ) -> EventWiring:
        """The unit of work's wiring of these events (a plain codec unless one is given)."""
        return EventWiring(
            codec=codec or EventCodec(self.domain_events),
            service=service,
            projections=self.projections,
            integration=self.integration,
            subject=subject or no_subject,
        )


def merged(areas: Sequence[Area]) -> Area:
    """All areas as one; a message or translated event claimed twice is a wiring bug.

    Several read models may follow one event (the directory follows programmes): their
    projections add up. Each event keeps one translation and each message one handler.
    """

    def union(maps: Sequence[Mapping[Any, Any]]) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for mapping in maps:
            clash = result.keys() & mapping.keys()
            if clash:
                raise ValueError(f"wired twice: {sorted(getattr(k, '__name__', k) for k in clash)}")
            result.update(mapping)
        return result

    projections: dict[type[DomainEvent], list[Projection]] = {}
    for area in areas:
        for event, projecting in area.projections.items():
            projections.setdefault(event, []).extend(projecting)
    return Area(
        domain_events=[event for area in areas for event in area.domain_events],
        projections=projections,
        integration=union([a.integration for a in areas]),
        handlers=union([a.handlers for a in areas]),
        read_model_tables=[table for area in areas for table in area.read_model_tables],
    )


@dataclass
class Application(Generic[D]):
    """What a service's ``bootstrap`` returns: its bus, and what replay and shutdown need."""

    bus: MessageBus[D]
    engine: Engine
    wiring: EventWiring
    close_also: Sequence[Callable[[], None]] = ()

    @property
    def dependencies(self) -> D:
        return self.bus.dependencies

    def close(self) -> None:
        """Stop what the application holds open (SMTP sessions, …), then the pool."""
        for close in self.close_also:
            close()
        self.engine.dispose()
