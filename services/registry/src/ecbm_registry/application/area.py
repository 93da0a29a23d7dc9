"""One area of the registry (programmes, people, network, …) and everything it wires in.

Each area's package exposes ``AREA``; ``bootstrap`` merges them, so adding an area is one
line there and never an edit of another area's routing tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.uow import Projection, Translation


@dataclass(frozen=True)
class Area:
    domain_events: Sequence[type[DomainEvent]]
    projections: Mapping[type[DomainEvent], Sequence[Projection]] = field(default_factory=dict)
    integration: Mapping[type[DomainEvent], Translation] = field(default_factory=dict)
    # Handlers take (message, uow=...) for commands and (message, read=...) for queries.
    command_handlers: Mapping[type, Callable[..., Any]] = field(default_factory=dict)
    query_handlers: Mapping[type, Callable[..., Any]] = field(default_factory=dict)
    read_model_tables: Sequence[Table] = ()


def merged(areas: Sequence[Area]) -> Area:
    """All areas as one; a message or translated event claimed twice is a wiring bug."""

    def union(maps: Sequence[Mapping[Any, Any]]) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for mapping in maps:
            clash = result.keys() & mapping.keys()
            if clash:
                raise ValueError(f"wired twice: {sorted(getattr(k, '__name__', k) for k in clash)}")
            result.update(mapping)
        return result

    # Several read models may follow one event (the directory follows programmes); each
    # event keeps one translation and each message one handler.
    projections: dict[type[DomainEvent], list[Projection]] = {}
    for area in areas:
        for event, projecting in area.projections.items():
            projections.setdefault(event, []).extend(projecting)
    return Area(
        domain_events=[event for area in areas for event in area.domain_events],
        projections=projections,
        integration=union([a.integration for a in areas]),
        command_handlers=union([a.command_handlers for a in areas]),
        query_handlers=union([a.query_handlers for a in areas]),
        read_model_tables=[table for area in areas for table in area.read_model_tables],
    )
