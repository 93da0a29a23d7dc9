"""Demo seeds run in the canonical order, except a seed that builds on another's data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ecbm_runtime.service import ServiceDefinition, in_seed_order
from ecbm_runtime.settings import ServiceSettings


def service(name: str, after: tuple[str, ...] = ()) -> ServiceDefinition:
    def nothing(_: Any) -> Any:
        raise NotImplementedError

    return ServiceDefinition(
        name, 1, 2, 3, ServiceSettings, Path("."), nothing, lambda: object, seed_after=after
    )


def test_a_seed_follows_the_seeds_it_builds_on() -> None:
    registry, matching, events = (
        service("registry"),
        service("matching", ("events",)),
        service("events"),
    )
    names = [s.name for s in in_seed_order([registry, matching, events])]
    assert names == ["registry", "events", "matching"]
    alone = [s.name for s in in_seed_order([registry, matching])]  # events not running
    assert alone == ["registry", "matching"]
    cycle = [replace(events, seed_after=("matching",)), matching]
    assert [s.name for s in in_seed_order(cycle)] == ["events", "matching"]
