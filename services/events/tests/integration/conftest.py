"""Fixtures of the events service's integration tests: the app on both databases, the api."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from events_serving import events_settings, serve

from ecbm.events.v1 import events_pb2_grpc
from ecbm_events.bootstrap import SERVICE, Events, bootstrap
from ecbm_runtime.migrations import upgrade


@pytest.fixture
def events_app(database_url: str) -> Iterator[Events]:
    """The events application (as its worker runs it) on a fresh, migrated database."""
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(events_settings(database_url=database_url))
    yield app
    app.close()


@pytest.fixture
def stub(database_url: str) -> Iterator[events_pb2_grpc.EventsServiceStub]:
    """The real servicer and interceptors over gRPC on a free port, on each database."""
    with serve(database_url) as (channel, _server, _wiring):
        yield events_pb2_grpc.EventsServiceStub(channel)
