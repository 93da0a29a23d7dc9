"""Wiring of notify: settings, engine, unit of work, handlers. Nothing connects at import."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pydantic_settings import SettingsConfigDict
from sqlalchemy import Engine

from ecbm_notify.adapters.projections import PROJECTIONS
from ecbm_notify.adapters.read_models import READ_MODEL_TABLES
from ecbm_notify.application.handlers import EVENT_HANDLERS, QUERY_HANDLERS
from ecbm_notify.domain.notification import NotificationCreated, NotificationRead
from ecbm_runtime.db import database_answers, make_engine, read_only_connection
from ecbm_runtime.event_metadata import standard_metadata
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.projections import replayer
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import EventWiring, UnitOfWork

DOMAIN_EVENTS = (NotificationCreated, NotificationRead)


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_NOTIFY_", extra="ignore")
    service_name: str = "notify"


@dataclass(frozen=True)
class Notify:
    bus: MessageBus
    engine: Engine
    wiring: EventWiring


def bootstrap(settings: ServiceSettings, engine: Engine | None = None) -> Notify:
    engine = engine or make_engine(settings.effective_database_url())
    wiring = EventWiring(
        codec=EventCodec(DOMAIN_EVENTS),
        service="notify",
        projections=PROJECTIONS,
        metadata=standard_metadata,
    )
    uow = partial(UnitOfWork, engine, wiring)
    read = partial(read_only_connection, engine)
    handlers = {
        **{message: partial(handler, uow=uow) for message, handler in EVENT_HANDLERS.items()},
        **{message: partial(handler, read=read) for message, handler in QUERY_HANDLERS.items()},
    }
    return Notify(bus=MessageBus(handlers), engine=engine, wiring=wiring)


def build_api(settings: ServiceSettings) -> ApiWiring:
    from ecbm.notify.v1 import notify_pb2_grpc
    from ecbm_notify.entrypoints.grpc_api import ACCESS, SERVICE_NAME, NotifyServicer
    from ecbm_runtime.grpc import ServiceRegistration

    notify = bootstrap(settings)
    registration = ServiceRegistration(
        notify_pb2_grpc.add_NotifyServiceServicer_to_server,
        NotifyServicer(notify.bus),
        SERVICE_NAME,
    )
    return ApiWiring(
        registrations=[registration],
        access_policy=ACCESS,
        readiness_check=partial(database_answers, notify.engine),
        on_stop=notify.engine.dispose,
    )


def worker_class() -> type:
    from ecbm_notify.entrypoints.worker import NotifyWorker

    return NotifyWorker


SERVICE = ServiceDefinition(
    name="notify",
    grpc_port=50056,
    metrics_port=9106,
    worker_metrics_port=9206,
    settings_class=NotifySettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
    replay=replayer(bootstrap, READ_MODEL_TABLES),
)
