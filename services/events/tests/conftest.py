"""Fixtures of the events service's tests: the app on both databases, the api in process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecbm.events.v1 import events_pb2_grpc
from ecbm_events.bootstrap import SERVICE, Events, EventsSettings, bootstrap
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, free_port


def events_settings(**overrides: Any) -> EventsSettings:
    settings = SERVICE.load_settings(**overrides)
    assert isinstance(settings, EventsSettings)
    return settings


@pytest.fixture
def events_app(database_url: str) -> Iterator[Events]:
    """The events application (as its worker runs it) on a fresh, migrated database."""
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(events_settings(database_url=database_url))
    yield app
    app.close()


def serve(database_url: str) -> Any:
    """The api in process: gRPC on a free port, the calendar feeds' HTTP on another."""
    upgrade(SERVICE.migrations, database_url)
    http_port = free_port()
    settings = events_settings(
        database_url=database_url,
        grpc_port=0,
        http_port=http_port,
        public_base_url=f"http://127.0.0.1:{http_port}",
    )
    return api_in_process(SERVICE, settings)


@pytest.fixture
def stub(database_url: str) -> Iterator[events_pb2_grpc.EventsServiceStub]:
    """The real servicer and interceptors over gRPC on a free port, on each database."""
    with serve(database_url) as (channel, _server, _wiring):
        yield events_pb2_grpc.EventsServiceStub(channel)
