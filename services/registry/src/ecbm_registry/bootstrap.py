"""Wiring of the registry: settings, engine, unit of work, handlers. Nothing connects at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pydantic_settings import SettingsConfigDict
from sqlalchemy import Engine

from ecbm_registry.adapters.people.personal_data import PersonalDataCodec
from ecbm_registry.application import programmes_area, taxonomy_area
from ecbm_registry.application.area import merged
from ecbm_registry.application.directory import area as directory_area
from ecbm_registry.application.imports import area as imports_area
from ecbm_registry.application.network import area as network_area
from ecbm_registry.application.people import area as people_area
from ecbm_registry.application.resources import area as resources_area
from ecbm_runtime.db import database_answers, make_engine, read_only_connection
from ecbm_runtime.event_metadata import standard_metadata
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.projections import replayer
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import EventWiring, UnitOfWork

# Every area of the registry; adding one is one line here (and its servicer in build_api).
WIRED = merged(
    [
        programmes_area.AREA,
        taxonomy_area.AREA,
        network_area.AREA,
        resources_area.AREA,
        people_area.AREA,
        imports_area.AREA,
        directory_area.AREA,
    ]
)


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_REGISTRY_", extra="ignore")
    service_name: str = "registry"


@dataclass(frozen=True)
class Registry:
    """The registry application: its bus and the engine behind it."""

    bus: MessageBus
    engine: Engine
    wiring: EventWiring


def bootstrap(
    settings: ServiceSettings,
    after_commit: Callable[[list[int]], None] | None = None,
    engine: Engine | None = None,
) -> Registry:
    engine = engine or make_engine(settings.effective_database_url())
    wiring = EventWiring(
        # Seals people's personal fields with their own key (crypto-shredding).
        codec=PersonalDataCodec(
            WIRED.domain_events, people_area.SEALED_FIELDS, partial(read_only_connection, engine)
        ),
        service="registry",
        projections=WIRED.projections,
        integration=WIRED.integration,
        metadata=standard_metadata,
    )
    uow = partial(UnitOfWork, engine, wiring, after_commit)
    read = partial(read_only_connection, engine)
    handlers = {
        **{
            message: partial(handler, uow=uow)
            for message, handler in WIRED.command_handlers.items()
        },
        **{
            message: partial(handler, read=read)
            for message, handler in WIRED.query_handlers.items()
        },
    }
    return Registry(bus=MessageBus(handlers), engine=engine, wiring=wiring)


def build_api(settings: ServiceSettings) -> ApiWiring:
    from ecbm_registry.entrypoints import (
        directory_api,
        import_api,
        network_api,
        people_api,
        programmes_api,
        resources_api,
        taxonomy_api,
    )
    from ecbm_runtime.outbox import BackgroundPublisher, OutboxRelay

    # Each servicer module exposes ACCESS and registration(bus); one line per gRPC service.
    servicer_modules = [
        programmes_api,
        taxonomy_api,
        people_api,
        network_api,
        resources_api,
        directory_api,
        import_api,
    ]
    engine = make_engine(settings.effective_database_url())
    publisher = BackgroundPublisher(OutboxRelay(engine, settings.amqp_url, settings.service_name))
    registry = bootstrap(settings, after_commit=publisher.after_commit, engine=engine)
    return ApiWiring(
        registrations=[module.registration(registry.bus) for module in servicer_modules],
        access_policy={k: v for module in servicer_modules for k, v in module.ACCESS.items()},
        readiness_check=partial(database_answers, registry.engine),
        on_stop=publisher.close,
    )


def worker_class() -> type:
    from ecbm_registry.entrypoints.worker import RegistryWorker

    return RegistryWorker


def seed_demo(target: str, token: str) -> None:
    from ecbm_registry.entrypoints.demo import seed

    seed(target, token)


SERVICE = ServiceDefinition(
    name="registry",
    grpc_port=50051,
    metrics_port=9101,
    worker_metrics_port=9201,
    settings_class=RegistrySettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
    replay=replayer(bootstrap, WIRED.read_model_tables),
    seed_demo=seed_demo,
)
