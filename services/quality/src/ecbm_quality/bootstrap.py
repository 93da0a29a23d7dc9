"""Wiring of quality: dependencies, bootstrap, api, worker, ``SERVICE``.

Nothing connects at import: ``bootstrap`` builds the engine, the event wiring, the
dependencies and the bus when a process starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeAlias

from sqlalchemy import Engine

from ecbm_quality.adapters.recent import RecentLabels
from ecbm_quality.adapters.views import QualityViews
from ecbm_quality.application.area import AREA
from ecbm_quality.application.dependencies import QualityDependencies, utc_now
from ecbm_quality.settings import QualitySettings
from ecbm_runtime.db import database_answers, make_engine
from ecbm_runtime.messagebus import MessageBus, sql_views
from ecbm_runtime.projections import replayer
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import SqlUnitOfWork
from ecbm_runtime.wiring import Application

Quality: TypeAlias = Application[QualityDependencies]

__all__ = ["SERVICE", "QualitySettings", "bootstrap"]


def bootstrap(
    settings: QualitySettings,
    engine: Engine | None = None,
    after_commit: Callable[[list[int]], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Quality:
    """The service's bus on its database; ``after_commit`` gets each commit's outbox rows."""
    engine = engine or make_engine(settings.effective_database_url())
    wiring = AREA.event_wiring(settings.service_name)
    dependencies = QualityDependencies(
        units_of_work=partial(
            SqlUnitOfWork, engine, wiring, QualityViews, after_commit=after_commit
        ),
        read_views=sql_views(engine, QualityViews),
        validity=timedelta(days=settings.label_validity_days),
        renewal_notice=timedelta(days=settings.renewal_notice_days),
        conditions_notice=timedelta(days=settings.conditions_notice_days),
        collaboration=timedelta(days=round(settings.collaboration_months * 365 / 12)),
        clock=clock,
        recent_labels=RecentLabels(settings.verify_cache_seconds),
    )
    return Application(MessageBus(AREA.handlers, dependencies), engine, wiring)


def _own(settings: ServiceSettings) -> QualitySettings:
    if not isinstance(settings, QualitySettings):
        raise TypeError(f"expected QualitySettings, got {type(settings).__name__}")
    return settings


def build_api(settings: ServiceSettings) -> ApiWiring:
    """Servicer on the bus, the HTTP verification endpoint beside it; outbox rows are
    published right after each commit."""
    from ecbm.quality.v1 import quality_pb2, quality_pb2_grpc
    from ecbm_quality.entrypoints.quality_api import QualityServicer
    from ecbm_quality.entrypoints.verify_http import verify_http_server
    from ecbm_runtime.grpc import ServiceRegistration
    from ecbm_runtime.outbox import BackgroundPublisher, OutboxRelay

    engine = make_engine(settings.effective_database_url())
    relay = OutboxRelay(
        engine, settings.amqp_url, settings.service_name, settings.outbox_max_attempts
    )
    publisher = BackgroundPublisher(relay)
    app = bootstrap(_own(settings), engine, after_commit=publisher.after_commit)
    full_name = quality_pb2.DESCRIPTOR.services_by_name["QualityService"].full_name
    add = quality_pb2_grpc.add_QualityServiceServicer_to_server
    verify = verify_http_server(app.bus, _own(settings))
    verify.start()

    def stop() -> None:
        verify.stop()
        publisher.close()
        app.close()

    return ApiWiring(
        registrations=[ServiceRegistration(add, QualityServicer(app.bus), full_name)],
        readiness_check=partial(database_answers, engine),
        on_stop=stop,
    )


def worker_class() -> type:
    from ecbm_quality.entrypoints.worker import QualityWorker

    return QualityWorker


def seed_demo(target: str, token: str) -> None:
    from ecbm_quality.entrypoints.demo import seed

    seed(target, token)


def _bootstrap_any(settings: ServiceSettings) -> Quality:
    return bootstrap(_own(settings))


SERVICE = ServiceDefinition(
    name="quality",
    grpc_port=50054,
    metrics_port=9104,
    worker_metrics_port=9204,
    settings_class=QualitySettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
    replay=replayer(_bootstrap_any, AREA.read_model_tables),
    seed_demo=seed_demo,
)
