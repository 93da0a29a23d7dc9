"""Fixtures of the registry's tests: a migrated database and the real API in process."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from ecbm_registry.bootstrap import SERVICE, Registry, bootstrap
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer, wait_until


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
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield channel


__all__ = ["bearer", "wait_until"]
