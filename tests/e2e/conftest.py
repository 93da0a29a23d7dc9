"""Fixtures that run the real registry and notify processes against real servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecbm_runtime.testing import fresh_postgres_database

from platform_processes import ServiceProcesses

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A database URL per service, all of one kind."""
    if request.param == "sqlite":
        yield {name: f"sqlite:///{tmp_path / (name + '.db')}" for name in ("registry", "notify")}
        return
    server = request.getfixturevalue("postgres_server_url")
    made = {name: fresh_postgres_database(server) for name in ("registry", "notify")}
    try:
        yield {name: url for name, (url, _drop) in made.items()}
    finally:
        for _url, drop in made.values():
            drop()


@pytest.fixture
def sqlite_storage(tmp_path: Path) -> dict[str, str]:
    """One kind only, for what storage plays no part in (access rules, browsers, the broker):
    both kinds are for flows through the outbox, the inbox and erasure."""
    return {name: f"sqlite:///{tmp_path / (name + '.db')}" for name in ("registry", "notify")}


def _processes(name: str, database_url: str, amqp_url: str, log_dir: Path) -> ServiceProcesses:
    env = {
        "ECBM_AMQP_URL": amqp_url,
        f"ECBM_{name.upper()}_DATABASE_URL": database_url,
        # Short, so the outage test sees the worker's sweep catch up quickly.
        f"ECBM_{name.upper()}_OUTBOX_SWEEP_GRACE_SECONDS": "0.5",
        f"ECBM_{name.upper()}_OUTBOX_SWEEP_INTERVAL_SECONDS": "0.2",
    }
    return ServiceProcesses(name, env, log_dir)


@pytest.fixture
def slice_on(isolated_amqp_url: str, tmp_path: Path) -> Iterator[object]:
    """Call with a storage mapping: starts registry and notify (api + worker) on it."""
    started: list[ServiceProcesses] = []

    def start(databases: dict[str, str]) -> dict[str, ServiceProcesses]:
        processes = {
            name: _processes(name, url, isolated_amqp_url, tmp_path)
            for name, url in databases.items()
        }
        for service in processes.values():
            started.append(service)
            service.start("api")
            service.start("worker")
        return processes

    yield start
    for service in started:
        service.stop()
