"""Fixtures of the registry's tests: a migrated database and the real API in process."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from ecbm_registry.bootstrap import SERVICE, Registry, bootstrap
from ecbm_runtime.auth import issue_token
from ecbm_runtime.grpc import create_server
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import wait_until


@pytest.fixture
def registry(database_url: str) -> Iterator[Registry]:
    """The registry application (its bus) on a fresh, migrated database of each kind."""
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(SERVICE.load_settings(database_url=database_url))
    yield app
    app.engine.dispose()


@pytest.fixture
def registry_channel(database_url: str, amqp_url: str) -> Iterator[grpc.Channel]:
    """A channel to the registry's real servicers and interceptors, served in process."""
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(database_url=database_url, amqp_url=amqp_url, grpc_port=0)
    wiring = SERVICE.build_api(settings)
    server, port = create_server(
        settings,
        registrations=wiring.registrations,
        access_policy=wiring.access_policy,
        readiness_check=wiring.readiness_check,
    )
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    grpc.channel_ready_future(channel).result(timeout=10)
    try:
        yield channel
    finally:
        channel.close()
        server.stop(1).wait()
        wiring.on_stop()


def bearer(
    *roles: str, subject: str = "tester", email: str | None = None
) -> tuple[tuple[str, str]]:
    """Call metadata with a development token of these roles."""
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", subject, list(roles), 600, email)
    return (("authorization", f"Bearer {token}"),)


__all__ = ["bearer", "wait_until"]
