"""Wiring of the registry: settings, engine, unit of work, handlers. Nothing connects at import."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict
from sqlalchemy import Connection, Engine

from ecbm_registry.adapters.people.personal_data import KeyWrapping, PersonalDataCodec
from ecbm_registry.adapters.views import RegistryViews
from ecbm_registry.application.directory import area as directory_area
from ecbm_registry.application.imports import area as imports_area
from ecbm_registry.application.network import area as network_area
from ecbm_registry.application.network import rapporteurs
from ecbm_registry.application.people import area as people_area
from ecbm_registry.application.people.integration import contact_translations
from ecbm_registry.application.programmes import area as programmes_area
from ecbm_registry.application.resources import area as resources_area
from ecbm_registry.application.taxonomy import area as taxonomy_area
from ecbm_runtime.db import database_answers, make_engine, read_only_connection
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.messagebus import Dependencies, MessageBus, sql_views
from ecbm_runtime.projections import replayer
from ecbm_runtime.sealing import ContactSeal, contact_seal, parse_keys, seal_problems
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from ecbm_runtime.uow import EventWiring, SqlUnitOfWork
from ecbm_runtime.wiring import Application, merged

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
        rapporteurs.AREA,
    ]
)


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_REGISTRY_", extra="ignore")
    service_name: str = "registry"
    # Key-encryption keys of the per-person keys (Fernet keys, comma-separated, newest
    # first; `ecbm registry rewrap-keys` after adding one). Required in production.
    personal_data_keys: SecretStr = SecretStr("")

    def key_wrapping(self) -> KeyWrapping:
        keys = parse_keys(self.personal_data_keys)
        if not keys and self.development:
            keys = [DEVELOPMENT_PERSONAL_DATA_KEY]
        return KeyWrapping(keys)

    def contact_seal(self) -> ContactSeal:
        return contact_seal(self.contact_sealing_keys, self.development)

    def startup_problems(self) -> list[str]:
        problems = super().startup_problems()
        if self.development:
            return problems
        problems += seal_problems(self.contact_sealing_keys)
        try:
            keys = parse_keys(self.personal_data_keys)
            if not keys:
                problems.append("ECBM_REGISTRY_PERSONAL_DATA_KEYS is not set")
            elif DEVELOPMENT_PERSONAL_DATA_KEY in keys:
                problems.append("ECBM_REGISTRY_PERSONAL_DATA_KEYS holds the development key")
            else:
                self.key_wrapping()
        except ValueError:
            problems.append("ECBM_REGISTRY_PERSONAL_DATA_KEYS: each key must be a Fernet key")
        return problems


# Development only (derived from the published development JWT key, like notify's link key).
DEVELOPMENT_PERSONAL_DATA_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(DEVELOPMENT_JWT_SECRET.encode() + b"ecbm-registry-personal-data").digest()
)


@dataclass(frozen=True, kw_only=True)
class RegistryDependencies(Dependencies[RegistryViews]):
    """What every registry handler may use: ``uow()`` for a command or a consumed event,
    ``read()`` for a query; both hand it the registry's views (``RegistryViews``)."""


# What bootstrap returns: the registry's bus on its dependencies, its engine and wiring.
Registry = Application[RegistryDependencies]


def registry_wiring(codec: EventCodec, seal: ContactSeal) -> EventWiring:
    """The registry's events as stored (``codec``) and published (contacts sealed by ``seal``)."""
    integration = {**WIRED.integration, **contact_translations(seal)}
    return replace(WIRED, integration=integration).event_wiring(
        "registry", codec, subject=people_area.contact_subject
    )


def bootstrap(
    settings: RegistrySettings,
    engine: Engine | None = None,
    after_commit: Callable[[list[int]], None] | None = None,
) -> Registry:
    engine = engine or make_engine(settings.effective_database_url())
    # Seals people's personal fields with their own key (crypto-shredding); contact events
    # in the outbox name their person, so forgetting them drops those rows.
    codec = PersonalDataCodec(
        WIRED.domain_events, people_area.SEALED_FIELDS, settings.key_wrapping(),
        partial(read_only_connection, engine),
    )  # fmt: skip
    wiring = registry_wiring(codec, settings.contact_seal())

    def views(connection: Connection) -> RegistryViews:
        return RegistryViews(connection, codec)

    dependencies = RegistryDependencies(
        units_of_work=lambda context, claim: SqlUnitOfWork(
            engine, wiring, views, context, claim, after_commit
        ),
        read_views=sql_views(engine, views),
    )
    return Application(MessageBus(WIRED.handlers, dependencies), engine, wiring)


def _registry_settings(settings: ServiceSettings) -> RegistrySettings:
    if not isinstance(settings, RegistrySettings):
        raise TypeError(f"the registry needs RegistrySettings, not {type(settings).__name__}")
    return settings


def load_settings(**overrides: Any) -> RegistrySettings:
    """The registry's settings from the environment, with ``overrides`` (tests, scripts)."""
    return _registry_settings(SERVICE.load_settings(**overrides))


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

    # Each servicer module exposes registration(bus); one line per gRPC service. Who may
    # call each method is declared in its proto (ecbm_runtime.grpc.access).
    servicer_modules = [
        programmes_api,
        taxonomy_api,
        people_api,
        network_api,
        resources_api,
        directory_api,
        import_api,
    ]
    registry_settings = _registry_settings(settings)
    engine = make_engine(settings.effective_database_url())
    relay = OutboxRelay(
        engine, settings.amqp_url, settings.service_name, settings.outbox_max_attempts,
        tls=settings.amqp_tls(),
    )  # fmt: skip
    publisher = BackgroundPublisher(relay)
    registry = bootstrap(registry_settings, engine=engine, after_commit=publisher.after_commit)
    return ApiWiring(
        registrations=[module.registration(registry.bus) for module in servicer_modules],
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
