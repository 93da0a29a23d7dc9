"""The events api and settings as the tests serve them (fixtures: integration/conftest.py)."""

from __future__ import annotations

from typing import Any

from ecbm_events.bootstrap import SERVICE, EventsSettings
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, free_port


def events_settings(**overrides: Any) -> EventsSettings:
    settings = SERVICE.load_settings(**overrides)
    assert isinstance(settings, EventsSettings)
    return settings


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
