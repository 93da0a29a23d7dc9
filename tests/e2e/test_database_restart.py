"""PostgreSQL restarted under load: the registry api degrades to UNAVAILABLE and recovers.

The test runs its own PostgreSQL cluster (``private_postgres``) and stops and starts it
while a client keeps registering organisations through the real api process.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import create_engine, text
from test_first_slice import organisation_request

from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_runtime.testing import PrivatePostgres, bearer, wait_until

from platform_processes import ServiceProcesses

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
EDITOR = bearer("editor")
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class Load:
    """Registers organisations one after another until stopped; keeps every outcome."""

    def __init__(self, stub: registry_pb2_grpc.RegistryServiceStub) -> None:
        self.stub = stub
        self.outcomes: list[tuple[grpc.StatusCode, str]] = []  # (code, name when OK)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stopped.is_set():
            request = organisation_request(f"{uuid.uuid4().hex[:8]}@example.org")
            try:
                made = self.stub.RegisterOrganisation(request, metadata=EDITOR, timeout=10)
            except grpc.RpcError as error:
                self.outcomes.append((error.code(), ""))
                self.stopped.wait(0.05)
            else:
                self.outcomes.append((grpc.StatusCode.OK, made.name))

    def succeeded(self) -> int:
        return sum(code == grpc.StatusCode.OK for code, _ in list(self.outcomes))


def test_calls_fail_unavailable_while_postgres_restarts_and_the_api_recovers_alone(
    private_postgres: PrivatePostgres, isolated_amqp_url: str, tmp_path: Path
) -> None:
    database = f"registry_{uuid.uuid4().hex[:8]}"
    admin = create_engine(private_postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    url = private_postgres.url.rsplit("/", 1)[0] + f"/{database}"
    env = {"ECBM_AMQP_URL": isolated_amqp_url, "ECBM_REGISTRY_DATABASE_URL": url}
    api = ServiceProcesses("registry", env, tmp_path)
    api.start("api")
    channel = grpc.insecure_channel(api.target)
    health = health_pb2_grpc.HealthStub(channel)
    load = Load(registry_pb2_grpc.RegistryServiceStub(channel))
    try:
        load.thread.start()
        wait_until(lambda: load.succeeded() >= 5, 30, message="load running")

        private_postgres.stop()
        wait_until(lambda: status(health) == NOT_SERVING, 20, message="health NOT_SERVING")
        failing_from = len(load.outcomes)
        wait_until(lambda: len(load.outcomes) >= failing_from + 3, 30, message="calls while down")
        private_postgres.start()
        wait_until(lambda: status(health) == SERVING, 30, message="health SERVING again")
        recovered_from = load.succeeded()
        wait_until(lambda: load.succeeded() >= recovered_from + 5, 30, message="calls succeed")
    finally:
        load.stopped.set()
        load.thread.join(15)
        api_alive = api.running["api"].poll() is None
        api.stop()

    codes = {code for code, _ in load.outcomes}
    assert api_alive  # recovered without a restart
    assert grpc.StatusCode.UNAVAILABLE in codes
    assert codes <= {grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE}, codes
    committed = [name for code, name in load.outcomes if code == grpc.StatusCode.OK]
    assert len(committed) == len(set(committed)) and stored(url, committed) == len(committed)
    channel.close()


def status(health: health_pb2_grpc.HealthStub) -> int:
    return health.Check(health_pb2.HealthCheckRequest(service=""), timeout=2).status


def stored(url: str, names: list[str]) -> int:
    """How many of the organisations ``names`` the registry's event store holds."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    ids = [name.split("/", 1)[1] for name in names]
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT count(DISTINCT stream_id) FROM events WHERE stream_id = ANY(:streams)"),
            {"streams": [f"organisation-{i}" for i in ids]},
        ).scalar_one()
    engine.dispose()
    return int(found)
