"""What the runtime and the ``ecbm`` command need to know about a service.

Each service exposes one ``SERVICE = ServiceDefinition(...)`` in its ``bootstrap.py``,
registered under the ``ecbm.services`` entry-point group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from ecbm_runtime.settings import ServiceSettings


@dataclass(frozen=True)
class ApiWiring:
    """Everything ``create_server`` needs from a service, built by its bootstrap."""

    registrations: Sequence[Any]  # ecbm_runtime.grpc.ServiceRegistration; access: their protos
    readiness_check: Callable[[], bool]
    on_stop: Callable[[], None] = lambda: None
    # Called when the process is asked to stop, before the server's grace period: end
    # long-lived streams here, or each one holds the shutdown for the whole grace period.
    on_stopping: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class ServiceDefinition:
    """A service's name, default ports, settings, migrations and wiring entry points.

    ``build_api`` and ``worker_class`` import lazily: the worker process must monkey-patch
    with eventlet before anything else is imported, and the api process must not.
    """

    name: str
    grpc_port: int
    metrics_port: int
    worker_metrics_port: int
    settings_class: type[ServiceSettings]
    migrations: Path
    # Each takes the service's own settings class (``settings_class``), hence ``Any``.
    build_api: Callable[[Any], ApiWiring]
    worker_class: Callable[[], type]
    seed_demo: Callable[[str, str], None] | None = None  # (grpc target, token) -> None
    # Services whose demo data this one's seed builds on (seeded first when both run).
    seed_after: tuple[str, ...] = ()
    replay: Callable[[Any], int] | None = None  # rebuild read models -> events replayed
    extras: Mapping[str, Any] = field(default_factory=dict)

    def load_settings(self, **overrides: Any) -> ServiceSettings:
        settings = self.settings_class(**overrides)
        defaults: dict[str, Any] = {"service_name": self.name}
        if not settings.grpc_port and "grpc_port" not in overrides:
            defaults["grpc_port"] = self.grpc_port
        if not settings.metrics_port and "metrics_port" not in overrides:
            defaults["metrics_port"] = self.metrics_port
        if not settings.worker_metrics_port and "worker_metrics_port" not in overrides:
            defaults["worker_metrics_port"] = self.worker_metrics_port
        return settings.model_copy(update=defaults)


SERVICE_ORDER = ("registry", "matching", "events", "quality", "alerts", "notify")
SERVICES_GROUP = "ecbm.services"


def _in_order(names: Iterable[str]) -> list[str]:
    """The platform's canonical order, then any other service alphabetically."""
    found = set(names)
    return [n for n in SERVICE_ORDER if n in found] + sorted(found - set(SERVICE_ORDER))


def in_seed_order(services: Iterable[ServiceDefinition]) -> list[ServiceDefinition]:
    """``services`` in their order, each moved after the ``seed_after`` services listed."""
    waiting, done, ordered = list(services), set[str](), []
    present = {s.name for s in waiting}
    while waiting:
        ready = next(
            (s for s in waiting if all(n in done or n not in present for n in s.seed_after)),
            waiting[0],  # a cycle: keep the canonical order
        )
        waiting.remove(ready)
        done.add(ready.name)
        ordered.append(ready)
    return ordered


def load_services() -> dict[str, ServiceDefinition]:
    """Every installed service, in the platform's canonical order (``ecbm up``, ``migrate``)."""
    found = {ep.name: ep.load() for ep in entry_points(group=SERVICES_GROUP)}
    return {name: found[name] for name in _in_order(found)}


def load_service(name: str) -> ServiceDefinition:
    """One installed service, importing only its own bootstrap.

    A process serves one service: loading the others would import their modules and
    register their Prometheus metrics in this process too.
    """
    selected = list(entry_points(group=SERVICES_GROUP, name=name))
    if not selected:
        known = _in_order(ep.name for ep in entry_points(group=SERVICES_GROUP))
        raise SystemExit(f"unknown service {name!r}; known: {', '.join(known)}")
    definition = selected[0].load()
    if not isinstance(definition, ServiceDefinition):
        raise SystemExit(f"entry point {selected[0].value} is not a ServiceDefinition")
    return definition
