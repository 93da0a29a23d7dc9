"""Pytest plugin shared by every test suite: real databases, the real broker, polling.

URLs come from the environment (``ECBM_TEST_POSTGRES_URL``, ``ECBM_TEST_AMQP_URL``),
else the local servers at 127.0.0.1, else testcontainers where a Docker engine runs.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

import grpc
import pytest
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from sqlalchemy import create_engine, text

from ecbm_runtime.db import normalise_url
from ecbm_runtime.grpc import ApiServer, create_server_for

# The in-memory twins, for handler unit tests (their home is ecbm_runtime.in_memory).
from ecbm_runtime.in_memory import (  # noqa: F401
    InMemoryEventStore,
    InMemoryRecords,
    InMemoryUnitOfWork,
    fixed_views,
    in_memory_units_of_work,
)
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP = "amqp://guest:guest@127.0.0.1:5672//"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

T = TypeVar("T")


def wait_until(
    probe: Callable[[], T | None], timeout: float = 10.0, interval: float = 0.02, message: str = ""
) -> T:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = probe()
        except Exception as error:  # the probe's target may not be up yet
            last_error = error
        else:
            if result:
                return result
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout}s: {message or probe!r} (last error: {last_error})"
    )


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def _docker_available() -> bool:
    return Path("/var/run/docker.sock").exists() or bool(os.environ.get("DOCKER_HOST"))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """An admin URL of a PostgreSQL server (its ``postgres`` database)."""
    url = os.environ.get("ECBM_TEST_POSTGRES_URL") or LOCAL_POSTGRES
    if _reachable(url, 5432):
        yield normalise_url(url)
        return
    if not _docker_available():
        pytest.fail(f"no PostgreSQL at {url} and no Docker engine for testcontainers")
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine", driver="psycopg") as container:
        yield container.get_connection_url()


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    url = os.environ.get("ECBM_TEST_AMQP_URL") or LOCAL_AMQP
    if _reachable(url, 5672):
        yield url
        return
    if not _docker_available():
        pytest.fail(f"no RabbitMQ at {url} and no Docker engine for testcontainers")
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13-management") as container:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}//"


def _rabbitmqctl(*args: str, stdin: bytes | None = None) -> None:
    subprocess.run(
        ["rabbitmqctl", "-q", *args], input=stdin, check=True, capture_output=True, timeout=60
    )


class _VhostJanitor:
    """Deletes test virtual hosts in the background; the session waits for them at its end.

    Each rabbitmqctl call starts an Erlang VM (about a second of CPU): a test should not
    wait for its vhost to go, only the run for all of them.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[str, subprocess.Popen[bytes]]] = []

    def delete(self, vhost: str) -> None:
        self.pending = [(v, p) for v, p in self.pending if p.poll() != 0]  # reap the done
        command = ["rabbitmqctl", "-q", "delete_vhost", vhost]
        quiet = subprocess.DEVNULL
        self.pending.append((vhost, subprocess.Popen(command, stdout=quiet, stderr=quiet)))

    def finish(self) -> None:
        for vhost, process in self.pending:
            try:
                failed = process.wait(timeout=60) != 0
            except subprocess.TimeoutExpired:
                process.kill()
                failed = True
            if failed:  # e.g. the broker's app was restarting: retry until the node answers
                wait_until(partial(_deleted_vhost, vhost), timeout=60, interval=0.5)
        self.pending.clear()


@pytest.fixture(scope="session")
def _vhost_janitor() -> Iterator[_VhostJanitor]:
    janitor = _VhostJanitor()
    yield janitor
    janitor.finish()


@contextmanager
def own_vhost(amqp_url: str, janitor: _VhostJanitor) -> Iterator[str]:
    """``amqp_url`` in a new virtual host, deleted (in the background) after the block."""
    if shutil.which("rabbitmqctl") is None or urlsplit(amqp_url).hostname not in LOCAL_HOSTS:
        yield amqp_url
        return
    vhost = f"ecbm-test-{uuid.uuid4().hex[:10]}"
    user = urlsplit(amqp_url).username or "guest"
    everything = {"configure": ".*", "write": ".*", "read": ".*"}
    definitions = {  # the vhost and the user's rights on it in one rabbitmqctl call
        "vhosts": [{"name": vhost}],
        "permissions": [{"user": user, "vhost": vhost, **everything}],
    }
    _rabbitmqctl("import_definitions", "--format", "json", stdin=json.dumps(definitions).encode())
    try:
        yield urlunsplit(urlsplit(amqp_url)._replace(path=f"/{vhost}"))
    finally:
        janitor.delete(vhost)


@pytest.fixture
def isolated_amqp_url(amqp_url: str, _vhost_janitor: _VhostJanitor) -> Iterator[str]:
    """The broker, in a virtual host of this test's own: no other consumer sees its queues.

    Needs ``rabbitmqctl`` (the local broker); a testcontainers broker is private anyway.
    """
    with own_vhost(amqp_url, _vhost_janitor) as url:
        yield url


@pytest.fixture(scope="module")
def module_amqp_url(amqp_url: str, _vhost_janitor: _VhostJanitor) -> Iterator[str]:
    """A virtual host the tests of one module share: for processes started once per module
    or class (pytest-xdist keeps no two tests of it apart from their module-scoped fixtures).
    """
    with own_vhost(amqp_url, _vhost_janitor) as url:
        yield url


@contextmanager
def broker_outage(amqp_url: str) -> Iterator[None]:
    """The broker is gone for ``amqp_url``'s virtual host until the block ends.

    New connections are refused (a limit of zero connections) and open ones are closed, as
    clients see a stopped broker; the node and every other virtual host keep running, so
    an outage test never stops the broker other tests share. Only a test's own virtual
    host (``isolated_amqp_url``).
    """
    vhost = unquote(urlsplit(amqp_url).path[1:])
    if vhost in ("", "/"):
        raise ValueError("an outage of a test's own virtual host only (isolated_amqp_url)")
    _rabbitmqctl("set_vhost_limits", "--vhost", vhost, '{"max-connections": 0}')
    try:
        _rabbitmqctl("close_all_connections", "--vhost", vhost, "test: broker outage")
        yield
    finally:
        _rabbitmqctl("set_vhost_limits", "--vhost", vhost, '{"max-connections": -1}')


def _deleted_vhost(vhost: str) -> bool:
    try:
        _rabbitmqctl("delete_vhost", vhost)
    except subprocess.CalledProcessError:
        return False
    return True


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of one test's own (initdb, pg_ctl), to stop and start at will.

    Never the shared server: tests that restart PostgreSQL would break everyone else's.
    As root it runs as ``postgres`` (initdb refuses root) in a directory that user owns.
    """

    directory: Path
    port: int
    bin_dir: Path

    @classmethod
    def create(cls) -> PrivatePostgres:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
        directory = Path(tempfile.mkdtemp(prefix="ecbm-pg-"))
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        cluster = cls(directory, free_port(), found[-1].parent)
        cluster._run("initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "-N")
        cluster.start()
        return cluster

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = str(self.directory / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "120",
                  "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: sessions are terminated, as in a restart)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "120", "stop")

    def destroy(self) -> None:
        with suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=180)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running PostgreSQL cluster of this test's own (see ``PrivatePostgres``)."""
    cluster = PrivatePostgres.create()
    try:
        yield cluster
    finally:
        cluster.destroy()


def fresh_postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """Create an empty database; returns its URL and a function that drops it."""
    name = f"ecbm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    parts = urlsplit(server_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@contextmanager
def worker_process(
    service: str, environment: Mapping[str, str], directory: Path, start_seconds: float = 120
) -> Iterator[Path]:
    """The service's worker process (``worker_main``) with ``environment`` added to this
    one's, healthy (its queues declared) before the body runs; yields its log file.

    It gets its own metrics port and var directory. Started with time to spare: parallel
    test workers keep a 2-core machine busy.
    """
    port = free_port()
    log = directory / f"{service}-worker.log"
    settings = {
        **os.environ, **environment,
        f"ECBM_{service.upper()}_WORKER_METRICS_PORT": str(port),
        "ECBM_VAR_DIR": str(directory),
    }  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "ecbm_runtime.worker_main", service],
            env=settings, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until(
            lambda: process.poll() is None and worker_healthy(port), start_seconds,
            message=f"{service} worker healthy (log: {log})",
        )  # fmt: skip
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_healthy(port: int) -> bool:
    """A worker's ``/healthz`` on ``port`` answers 200; raises while nothing answers, so
    ``wait_until`` reports the last error."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
        return bool(answer.status == 200)


def grpc_serving(target: str) -> bool:
    """The api at ``target`` reports its overall gRPC health SERVING; raises
    ``grpc.RpcError`` while nothing answers."""
    with grpc.insecure_channel(target) as channel:
        answer = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=""), timeout=2
        )
    return bool(answer.status == health_pb2.HealthCheckResponse.SERVING)


def publish_as_source(
    amqp_url: str, source: str, event: Any, event_id: str = "", schema_version: int = 0
) -> str:
    """``event`` published as ``source``'s outbox would publish it, for a worker under test:
    JSON body; event id (new unless given), correlation, the event's schema version (or
    ``schema_version``, to send an older one) and the source in the headers. Returns the id."""
    from ecbm_runtime.outbox import BrokerPublisher, OutboxMessage

    event_id = event_id or uuid.uuid4().hex
    version = schema_version or getattr(event, "schema_version", 1)
    headers = {"event_id": event_id, "correlation_id": event_id, "causation_id": event_id,
               "schema_version": version, "source": source}  # fmt: skip
    row = {"exchange": f"{source}.events", "routing_key": type(event).__name__,
           "body": event.model_dump_json(), "headers": headers}  # fmt: skip
    publisher = BrokerPublisher(amqp_url)
    try:
        publisher.publish(OutboxMessage.of(0, row))
    finally:
        publisher.close()
    return event_id


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each supported kind: the same test runs on both."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url, drop = fresh_postgres_database(request.getfixturevalue("postgres_server_url"))
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """An empty PostgreSQL database, for behaviour only PostgreSQL has."""
    url, drop = fresh_postgres_database(postgres_server_url)
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Names no other test run uses (exchanges, queues, ids)."""

    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"

    return make


def xdist_worker() -> tuple[int, int]:
    """(index, count) of this pytest-xdist worker; (0, 1) when the run is not parallel."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return (int(name.removeprefix("gw")), count) if name.startswith("gw") else (0, 1)


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
    # Embedded databases a test (or a process it starts) opens by default land in this
    # worker's own directory, never in the checkout's var/ that parallel workers would share.
    # (Workers inherit the environment of the process that started them: a directory made
    # here, marked so, is replaced by each worker's own.)
    if "ECBM_VAR_DIR" not in os.environ or os.environ.get("ECBM_TEST_VAR_DIR") == "made":
        directory = tempfile.mkdtemp(prefix=f"ecbm-var-{os.getpid()}-")
        os.environ.update(ECBM_VAR_DIR=directory, ECBM_TEST_VAR_DIR="made")
        config.add_cleanup(lambda: shutil.rmtree(directory, ignore_errors=True))
    # Examples that take long on a loaded machine (parallel workers on shared cores) are no
    # failure: what a property test checks is the property, not its speed.
    with suppress(ImportError):  # a development dependency
        from hypothesis import settings as hypothesis_settings

        hypothesis_settings.register_profile("ecbm", deadline=None)
        hypothesis_settings.load_profile("ecbm")
    # Tests sign with the development key, as `ecbm up` does; the processes they start
    # inherit this. Tests of production mode say so in their settings or environment.
    os.environ.setdefault("ECBM_MODE", "development")
    # One client (the test) calls public methods far faster than any person would; the
    # per-client limits have their own tests, which set a scale explicitly.
    os.environ.setdefault("ECBM_GRPC_RATE_LIMIT_SCALE", "0")


_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Parallel workers (pytest-xdist) each take ports from their own share, so two workers
    never hand out the same port before its process binds it; nor does one worker twice.
    """
    index, count = xdist_worker()
    for _ in range(1000):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        # Linux hands out even ports to bind(0): share them out by port // 2.
        if (port // 2) % count == index and port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port for worker {index} of {count}")


# Test modules build their tokens at import (collection); a slow suite reaches the last test
# long after. Within the runtime's lifetime cap, so the same token works in every test.
TEST_TOKEN_SECONDS = 4 * 3600


def bearer(
    *roles: str, subject: str = "tester", email: str | None = None, audience: str | None = None
) -> tuple[tuple[str, str]]:
    """gRPC call metadata with a development token of these roles.

    Without ``audience`` the token has no ``aud``, which development mode accepts.
    """
    from ecbm_runtime.auth import issue_token
    from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

    token = issue_token(
        DEVELOPMENT_JWT_SECRET,
        "HS256",
        "ecbm",
        subject,
        list(roles),
        TEST_TOKEN_SECONDS,
        email,
        audience,
    )
    return (("authorization", f"Bearer {token}"),)


@contextmanager
def api_in_process(
    definition: ServiceDefinition, settings: ServiceSettings
) -> Iterator[tuple[grpc.Channel, ApiServer, ApiWiring]]:
    """A service's real servicers and interceptors served in this process, and a channel.

    The same wiring ``api_main`` serves, so tests see what callers see.
    """
    wiring = definition.build_api(settings)
    server, port = create_server_for(settings, wiring)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=10)
        yield channel, server, wiring
    finally:
        channel.close()
        server.stop(1).wait()
        wiring.on_stop()


D = TypeVar("D", bound=Message)


def status_detail(error: grpc.RpcError, detail_type: type[D]) -> D:
    """The ``google.rpc`` detail of ``detail_type`` an error carries; fails the test if none."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None, "no google.rpc.Status in the trailers"
    for packed in status.details:
        if packed.Is(detail_type.DESCRIPTOR):
            unpacked = detail_type()
            packed.Unpack(unpacked)
            return unpacked
    raise AssertionError(f"no {detail_type.__name__} among {list(status.details)}")


def violations(error: grpc.RpcError) -> dict[str, str]:
    """Field → description of every ``BadRequest`` field violation of an INVALID_ARGUMENT."""
    bad_request = status_detail(error, error_details_pb2.BadRequest)
    return {v.field: v.description for v in bad_request.field_violations}
