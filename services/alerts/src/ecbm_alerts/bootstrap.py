"""Wiring of alerts: dependencies, bootstrap, api, worker, ``SERVICE``.

Nothing connects at import: ``bootstrap`` builds the engine, the event wiring, the
dependencies and the bus when a process starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeAlias

from sqlalchemy import Engine

from ecbm_alerts.adapters.fetch import FetchLimits, HttpFetcher
from ecbm_alerts.adapters.views import AlertsViews
from ecbm_alerts.application.area import AREA
from ecbm_alerts.application.dependencies import AlertsDependencies, Fetcher, utc_now
from ecbm_alerts.settings import AlertsSettings
from ecbm_runtime.db import database_answers, make_engine
from ecbm_runtime.messagebus import MessageBus, sql_views
from ecbm_runtime.projections import replayer
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import SqlUnitOfWork
from ecbm_runtime.wiring import Application

Alerts: TypeAlias = Application[AlertsDependencies]

__all__ = ["AREA", "SERVICE", "AlertsSettings", "bootstrap"]


def fetch_limits(settings: AlertsSettings) -> FetchLimits:
    """Private and loopback addresses are reachable in development mode only (SSRF)."""
    return FetchLimits(
        timeout_seconds=settings.fetch_timeout_seconds,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
        allow_private=settings.development,
    )


def bootstrap(
    settings: AlertsSettings,
    engine: Engine | None = None,
    after_commit: Callable[[list[int]], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
    fetcher: Fetcher | None = None,
) -> Alerts:
    """The service's bus on its database; ``after_commit`` gets each commit's outbox rows."""
    engine = engine or make_engine(settings.effective_database_url())
    wiring = AREA.event_wiring(settings.service_name)
    dependencies = AlertsDependencies(
        units_of_work=partial(
            SqlUnitOfWork, engine, wiring, AlertsViews, after_commit=after_commit
        ),
        read_views=sql_views(engine, AlertsViews),
        fetcher=fetcher or HttpFetcher(fetch_limits(settings)),
        reminder_days=settings.reminder_days,
        fuzzy_title_threshold=settings.fuzzy_title_threshold,
        clock=clock,
    )
    return Application(MessageBus(AREA.handlers, dependencies), engine, wiring)


def _own(settings: ServiceSettings) -> AlertsSettings:
    if not isinstance(settings, AlertsSettings):
        raise TypeError(f"expected AlertsSettings, got {type(settings).__name__}")
    return settings


def build_api(settings: ServiceSettings) -> ApiWiring:
    """Servicers on the bus; outbox rows are published right after each commit."""
    from ecbm.alerts.v1 import alerts_pb2, alerts_pb2_grpc
    from ecbm_alerts.entrypoints.alerts_api import AlertsServicer
    from ecbm_runtime.grpc import ServiceRegistration
    from ecbm_runtime.outbox import BackgroundPublisher, OutboxRelay

    engine = make_engine(settings.effective_database_url())
    relay = OutboxRelay(
        engine, settings.amqp_url, settings.service_name, settings.outbox_max_attempts
    )
    publisher = BackgroundPublisher(relay)
    app = bootstrap(_own(settings), engine, after_commit=publisher.after_commit)
    full_name = alerts_pb2.DESCRIPTOR.services_by_name["AlertsService"].full_name
    add = alerts_pb2_grpc.add_AlertsServiceServicer_to_server

    def stop() -> None:
        publisher.close()  # publishes what is queued first; the worker sweeps the rest
        app.close()

    return ApiWiring(
        registrations=[ServiceRegistration(add, AlertsServicer(app.bus), full_name)],
        readiness_check=partial(database_answers, engine),
        on_stop=stop,
    )


def worker_class() -> type:
    from ecbm_alerts.entrypoints.worker import AlertsWorker

    return AlertsWorker


def seed_demo(target: str, token: str) -> None:
    from ecbm_alerts.entrypoints.demo import seed

    seed(target, token)


def _bootstrap_any(settings: ServiceSettings) -> Alerts:
    return bootstrap(_own(settings))


SERVICE = ServiceDefinition(
    name="alerts",
    grpc_port=50055,
    metrics_port=9105,
    worker_metrics_port=9205,
    settings_class=AlertsSettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
    replay=replayer(_bootstrap_any, AREA.read_model_tables),
    seed_demo=seed_demo,
)
