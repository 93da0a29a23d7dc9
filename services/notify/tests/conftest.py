"""Fixtures of notify's tests: a migrated app on both databases, registry events delivered
as the worker would, and the real api (gRPC and the browsers' HTTP) served in process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from ecbm.notify.v1 import notify_pb2_grpc
from ecbm_integration import registry
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.bootstrap import SERVICE, Notify, NotifySettings, bootstrap
from ecbm_runtime.auth import issue_token
from ecbm_runtime.grpc import ApiServer
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.service import ApiWiring
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import api_in_process, free_port

from .fakes import delivered

CONTACT = "an.peeters@example.org"


def notify_settings(**overrides: Any) -> NotifySettings:
    """Notify's settings as the runtime loads them (``SERVICE.settings_class``)."""
    settings = SERVICE.load_settings(**overrides)
    assert isinstance(settings, NotifySettings)
    return settings


@pytest.fixture
def notify(database_url: str) -> Iterator[Notify]:
    """Notify's application (as its worker runs it) on a fresh, migrated database."""
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(notify_settings(database_url=database_url))
    yield app
    app.close()


class RegistryEvents:
    """Registry's events delivered to notify as its worker would, each with a new event id."""

    def __init__(self, app: Notify) -> None:
        self.app = app

    def deliver(self, event: object) -> None:
        self.app.bus.handle(event, delivered(event))

    def organisation(self, organisation_id: str = "org1", email: str = CONTACT) -> None:
        self.deliver(
            registry.OrganisationRegistered(
                organisation_id=organisation_id,
                display_name=f"Mentoring Lab {organisation_id}",
                kind="MENTORING_ORGANISATION",
                country="BE",
                contact_name="An Peeters",
                contact_email=email,
                occurred_at=datetime.now(UTC),
            )
        )

    def programme(self, name: str = "Buddy Up", organisation_id: str = "org1") -> None:
        self.deliver(
            registry.ProgrammeRegistered(
                programme_id=name.replace(" ", "").lower(),
                organisation_id=organisation_id,
                display_name=name,
                countries=["BE"],
                languages=["nl"],
                occurred_at=datetime.now(UTC),
            )
        )


@pytest.fixture
def registry_events(notify: Notify) -> RegistryEvents:
    return RegistryEvents(notify)


@pytest.fixture
def token_for() -> Callable[..., str]:
    """A development token: ``token_for("member", email=...)``."""

    def token(*roles: str, subject: str = "tester", email: str | None = None) -> str:
        return issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", subject, roles, 600, email)

    return token


@dataclass
class LiveApi:
    """Notify's api served in process: a gRPC stub and the HTTP port for browsers."""

    stub: notify_pb2_grpc.NotifyServiceStub
    http_port: int
    server: ApiServer
    wiring: ApiWiring


@pytest.fixture
def live_api(notify: Notify, database_url: str) -> Iterator[LiveApi]:
    """The real servicer, interceptors, store tailer and HTTP server, on free ports."""
    settings = SERVICE.load_settings(
        database_url=database_url, grpc_port=0, http_port=free_port(),
        live_poll_interval_seconds=0.01,
    )  # fmt: skip
    with api_in_process(SERVICE, settings) as (channel, server, wiring):
        stub = notify_pb2_grpc.NotifyServiceStub(channel)
        yield LiveApi(stub, settings.http_port, server, wiring)  # type: ignore[attr-defined]


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A running SMTP server collecting what it receives (``smtp_sink.received``)."""
    sink = SmtpSink(port=free_port())
    sink.start()
    yield sink
    sink.stop()
