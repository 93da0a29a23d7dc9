"""Wiring of matching: dependencies, bootstrap, api, worker, ``SERVICE``.

Nothing connects at import: ``bootstrap`` builds the engine, the event wiring, the
dependencies and the bus when a process starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeAlias

from pydantic_settings import SettingsConfigDict
from sqlalchemy import Engine

from ecbm_matching.adapters.views import MatchingViews
from ecbm_matching.application.area import AREA
from ecbm_matching.application.dependencies import MatchingDependencies, utc_now
from ecbm_runtime.db import database_answers, make_engine
from ecbm_runtime.messagebus import MessageBus, sql_views
from ecbm_runtime.projections import replayer
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import SqlUnitOfWork
from ecbm_runtime.wiring import Application

Matching: TypeAlias = Application[MatchingDependencies]


class MatchingSettings(ServiceSettings):
    """Read from ``ECBM_MATCHING_<FIELD>``; shared ones also from ``ECBM_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="ECBM_MATCHING_", extra="ignore")
    service_name: str = "matching"
    # How often the worker expires requests past their deadline.
    expiry_check_interval_seconds: float = 300.0


def bootstrap(
    settings: ServiceSettings,
    engine: Engine | None = None,
    after_commit: Callable[[list[int]], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Matching:
    """The service's bus on its database; ``after_commit`` gets each commit's outbox rows."""
    engine = engine or make_engine(settings.effective_database_url())
    wiring = AREA.event_wiring(settings.service_name)
    dependencies = MatchingDependencies(
        units_of_work=partial(
            SqlUnitOfWork, engine, wiring, MatchingViews, after_commit=after_commit
        ),
        read_views=sql_views(engine, MatchingViews),
        clock=clock,
    )
    return Application(MessageBus(AREA.handlers, dependencies), engine, wiring)


def build_api(settings: ServiceSettings) -> ApiWiring:
    """Servicers on the bus; outbox rows are published right after each commit."""
    from ecbm.matching.v1 import matching_pb2, matching_pb2_grpc
    from ecbm_matching.entrypoints.matching_api import MatchingServicer
    from ecbm_runtime.grpc import ServiceRegistration
    from ecbm_runtime.outbox import BackgroundPublisher, OutboxRelay

    engine = make_engine(settings.effective_database_url())
    relay = OutboxRelay(
        engine, settings.amqp_url, settings.service_name, settings.outbox_max_attempts
    )
    publisher = BackgroundPublisher(relay)
    app = bootstrap(settings, engine, after_commit=publisher.after_commit)
    full_name = matching_pb2.DESCRIPTOR.services_by_name["MatchingService"].full_name
    add = matching_pb2_grpc.add_MatchingServiceServicer_to_server

    def stop() -> None:
        publisher.close()  # publishes what is queued first; the worker sweeps the rest
        app.close()

    return ApiWiring(
        registrations=[ServiceRegistration(add, MatchingServicer(app.bus), full_name)],
        readiness_check=partial(database_answers, engine),
        on_stop=stop,
    )


def worker_class() -> type:
    from ecbm_matching.entrypoints.worker import MatchingWorker

    return MatchingWorker


def seed_demo(target: str, token: str) -> None:
    from ecbm_matching.entrypoints.demo import seed

    seed(target, token)


SERVICE = ServiceDefinition(
    name="matching",
    grpc_port=50052,
    metrics_port=9102,
    worker_metrics_port=9202,
    settings_class=MatchingSettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
    replay=replayer(bootstrap, AREA.read_model_tables),
    seed_demo=seed_demo,
    # The demo Meet & Match is the events service's; its participants reach matching then.
    seed_after=("events",),
)
