"""What a benchmark run borrows and must give back: ports, databases, a broker vhost, processes.

Everything here is created per run with random names and torn down in ``finally`` blocks,
so a run never collides with ``ecbm up`` or another engineer's tests on the same servers.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, unquote, urlsplit

from sqlalchemy import create_engine, text

from ecbm_runtime.db import normalise_url
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672//"
STOP_TIMEOUT_SECONDS = 15.0
T = TypeVar("T")


def say(text_: str) -> None:
    """One progress line, flushed at once: long phases must show they are alive."""
    print(f"[bench] {text_}", flush=True)  # noqa: T201


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now; all sockets stay open until every port is picked."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


def wait_for(
    probe: Callable[[], T | None],
    timeout: float,
    what: str,
    interval: float = 0.05,
    alive: Callable[[], None] | None = None,
) -> T:
    """Poll ``probe`` until it returns something truthy, or fail after ``timeout`` seconds.

    ``alive`` is called on every round so a crashed subprocess fails fast, not at the deadline.
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if alive is not None:
            alive()
        try:
            result = probe()
        except Exception as error:  # the target may not be up yet
            last_error = error
        else:
            if result:
                return result
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f}s (last error: {last_error!r})")


@dataclass
class Databases:
    """PostgreSQL databases created for this run; ``drop_all`` removes them."""

    server_url: str
    prefix: str = field(default_factory=lambda: f"ecbm_bench_{uuid.uuid4().hex[:10]}")
    names: list[str] = field(default_factory=list)

    def create(self, suffix: str) -> str:
        name = f"{self.prefix}_{suffix}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return urlsplit(self.server_url)._replace(path=f"/{name}").geturl()

    def drop_all(self) -> None:
        for name in reversed(self.names):
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as error:  # keep dropping the others
                say(f"could not drop database {name}: {error}")
        self.names.clear()

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


@contextmanager
def databases() -> Iterator[Databases]:
    server = normalise_url(os.environ.get("ECBM_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    created = Databases(server)
    try:
        yield created
    finally:
        created.drop_all()


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL as psycopg's own ``connect`` takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def private_vhost() -> Iterator[tuple[str, bool]]:
    """A fresh RabbitMQ vhost (URL, True), or the configured URL (URL, False) if none can be made.

    Queue names are fixed by service and handler, so without a vhost of its own the bench's
    notify worker would compete with any other notify worker on the broker for the messages.
    """
    base = os.environ.get("ECBM_BENCH_AMQP_URL", DEFAULT_AMQP)
    ctl = shutil.which("rabbitmqctl")
    vhost = f"ecbm_bench_{uuid.uuid4().hex[:10]}"
    user = unquote(urlsplit(base).username or "guest")
    if ctl is None or _rabbitmqctl(ctl, "add_vhost", vhost) is not None:
        say("no private vhost (rabbitmqctl unavailable): sharing the broker's default vhost")
        yield base, False
        return
    try:
        failure = _rabbitmqctl(ctl, "set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        if failure is not None:
            raise RuntimeError(f"could not grant {user} access to vhost {vhost}: {failure}")
        yield urlsplit(base)._replace(path="/" + quote(vhost, safe="")).geturl(), True
    finally:
        _delete_vhost(ctl, vhost)


def _delete_vhost(ctl: str, vhost: str, attempts: int = 3) -> None:
    """Delete the vhost; retried, since deleting quorum queues can fail while they settle."""
    failure: str | None = None
    for attempt in range(attempts):
        failure = _rabbitmqctl(ctl, "delete_vhost", vhost)
        if failure is None:
            return
        time.sleep(0.5 * (attempt + 1))
    say(f"could not delete vhost {vhost} ({failure}); remove it: rabbitmqctl delete_vhost {vhost}")


def _rabbitmqctl(ctl: str, *args: str) -> str | None:
    """None on success, else what went wrong."""
    try:
        done = subprocess.run([ctl, "-q", *args], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return repr(error)
    if done.returncode == 0:
        return None
    return (done.stderr or done.stdout).decode(errors="replace").strip()[-300:]


@dataclass
class Child:
    label: str
    process: subprocess.Popen[bytes]
    log: Path


class Processes:
    """Subprocesses of one run, their output in log files; ``stop_all`` ends each by its pid."""

    def __init__(self, env: Mapping[str, str]) -> None:
        quiet = {"PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore::DeprecationWarning"}
        self.env = {**env, **quiet}
        self.children: list[Child] = []
        self.log_dir = Path(tempfile.mkdtemp(prefix="ecbm-bench-"))

    def start(self, label: str, argv: list[str]) -> Child:
        log = self.log_dir / f"{label}.log"
        with log.open("wb") as out:  # the child keeps its own descriptor
            process = subprocess.Popen(
                [sys.executable, *argv],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        child = Child(label, process, log)
        self.children.append(child)
        return child

    def check_alive(self) -> None:
        for child in self.children:
            if child.process.poll() is not None:
                raise RuntimeError(
                    f"{child.label} exited with code {child.process.returncode}:\n{tail(child.log)}"
                )

    def stop(self, child: Child, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
        try:
            child.process.wait(timeout)
        except subprocess.TimeoutExpired:
            say(f"{child.label} did not stop in {timeout:.0f}s; killing pid {child.process.pid}")
            child.process.kill()
            child.process.wait(5)
        if child in self.children:
            self.children.remove(child)

    def stop_all(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """SIGTERM every child at once, then kill those still running at the deadline."""
        for child in self.children:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in list(self.children):
            self.stop(child, max(0.1, deadline - time.monotonic()))

    def remove_logs(self) -> None:
        shutil.rmtree(self.log_dir, ignore_errors=True)

    def finish(self, succeeded: bool) -> None:
        """Stop every child; drop the logs after a success, keep them (and say where) after a
        failure, when they are what explains it."""
        self.stop_all()
        if succeeded:
            self.remove_logs()
        else:
            say(f"process logs kept in {self.log_dir}")


def child_env(
    amqp_url: str, settings: Mapping[str, str], log_level: str = "INFO"
) -> dict[str, str]:
    """A run's service processes' environment: this one's without any inherited ``ECBM_*`` (that
    could change what is measured), development mode and token key, no per-client rate limits
    (the server is measured, not the limits), then ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ECBM_")}
    return env | {
        "ECBM_AMQP_URL": amqp_url,
        "ECBM_GRPC_RATE_LIMIT_SCALE": "0",
        "ECBM_MODE": "development",
        "ECBM_JWT_SECRET": DEVELOPMENT_JWT_SECRET,
        "ECBM_LOG_LEVEL": log_level,
        **settings,
    }


def service_env(
    service: str, database_url: str, grpc_port: int, metrics_port: int, worker_metrics_port: int
) -> dict[str, str]:
    """``ECBM_<SERVICE>_*``: the service's own database, its api on 127.0.0.1 and its ports."""
    prefix = f"ECBM_{service.upper()}_"
    return {
        prefix + "DATABASE_URL": database_url,
        prefix + "GRPC_HOST": "127.0.0.1",
        prefix + "GRPC_PORT": str(grpc_port),
        prefix + "METRICS_PORT": str(metrics_port),
        prefix + "WORKER_METRICS_PORT": str(worker_metrics_port),
    }


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_grpc_serving(target: str, timeout: float, alive: Callable[[], None]) -> None:
    """Until the server's overall gRPC health status is SERVING."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    serving = health_pb2.HealthCheckResponse.SERVING
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        wait_for(
            lambda: (
                stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1).status == serving
            ),
            timeout,
            f"{target} SERVING",
            alive=alive,
        )


def wait_http_ok(url: str, timeout: float, alive: Callable[[], None]) -> None:
    """Until ``url`` answers 200 (a worker's ``/healthz``)."""

    def ok() -> bool:
        with closing(urllib.request.urlopen(url, timeout=1)) as response:
            return int(response.status) == 200

    wait_for(ok, timeout, f"{url} healthy", interval=0.1, alive=alive)
