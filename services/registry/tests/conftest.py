"""Fixtures of the registry's tests: a migrated database and the real API in process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import grpc
import pytest
from sqlalchemy import select

from ecbm_registry.application.programmes import commands
from ecbm_registry.bootstrap import SERVICE, Registry, bootstrap, load_settings
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.tables import outbox
from ecbm_runtime.testing import api_in_process, bearer, wait_until


@pytest.fixture
def registry(database_url: str) -> Iterator[Registry]:
    """The registry application (its bus) on a fresh, migrated database of each kind."""
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(load_settings(database_url=database_url))
    yield app
    app.engine.dispose()


@pytest.fixture
def registry_channel(database_url: str, amqp_url: str) -> Iterator[grpc.Channel]:
    """A channel to the registry's real servicers and interceptors, served in process."""
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(database_url=database_url, amqp_url=amqp_url, grpc_port=0)
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield channel


@pytest.fixture
def organisation_id(registry: Registry) -> str:
    """The organisation "Mentoring Lab" (BE), registered through the bus."""
    made = registry.bus.handle(
        commands.RegisterOrganisation(
            display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
            contact_name="An Peeters", contact_email="an@example.org",
        )
    )  # fmt: skip
    return str(made)


@pytest.fixture
def programme_id(registry: Registry, organisation_id: str) -> str:
    """The programme "Buddy Up" (nl, BE) of "Mentoring Lab", registered through the bus."""
    made = registry.bus.handle(
        commands.RegisterProgramme(
            organisation_id=organisation_id, display_name="Buddy Up",
            languages=("nl",), countries=("BE",),
        )
    )  # fmt: skip
    return str(made)


@pytest.fixture
def published(registry: Registry) -> Callable[[str], list[dict[str, object]]]:
    """The bodies of the integration events of one type in the registry's outbox, in order."""

    def bodies(event_type: str) -> list[dict[str, object]]:
        with registry.engine.connect() as connection:
            rows = connection.execute(
                select(outbox.c.body)
                .where(outbox.c.routing_key == event_type)
                .order_by(outbox.c.id)
            )
            return [json.loads(body) for body in rows.scalars()]

    return bodies


__all__ = ["bearer", "wait_until"]
