"""A service's api as `ecbm up` serves it, in process on SQLite, with its gRPC methods."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import MethodDescriptor

from ecbm_runtime.migrations import upgrade
from ecbm_runtime.service import load_service
from ecbm_runtime.testing import api_in_process


@contextmanager
def served_api(
    name: str, directory: Path, amqp_url: str, **overrides: Any
) -> Iterator[tuple[grpc.Channel, list[MethodDescriptor]]]:
    """A channel to service ``name``'s api and every method of the services it registers."""
    definition = load_service(name)
    database_url = f"sqlite:///{directory / 'service.db'}"
    upgrade(definition.migrations, database_url)
    settings: dict[str, Any] = {"grpc_port": 0, **overrides}
    if "http_port" in definition.settings_class.model_fields:  # notify's and events' HTTP
        settings["http_port"] = 0
    if "verify_http_port" in definition.settings_class.model_fields:  # quality's badges
        settings["verify_http_port"] = 0
    service_settings = definition.load_settings(
        database_url=database_url, amqp_url=amqp_url, **settings
    )
    with api_in_process(definition, service_settings) as (channel, _server, wiring):
        pool = descriptor_pool.Default()
        yield (
            channel,
            [
                method
                for registration in wiring.registrations
                for method in pool.FindServiceByName(registration.service_full_name).methods
            ],
        )
