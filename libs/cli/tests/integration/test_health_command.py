"""``ecbm health``: the containers' HEALTHCHECK and the probes' command, against real processes.

Exit 0 only while the process serves; anything else (NOT_SERVING, nothing listening, an
answer slower than the timeout, a worker whose /healthz fails) exits non-zero, so Docker and
Kubernetes never route to or wait on a process that cannot work.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from grpc_health.v1 import health_pb2
from typer.testing import CliRunner, Result

from ecbm_cli.main import app
from ecbm_quality.bootstrap import SERVICE
from ecbm_runtime.grpc import ApiServer
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, free_port, wait_until


def health(*args: str) -> Result:
    return CliRunner().invoke(app, ["health", "quality", *args])


@pytest.fixture
def quality_api(tmp_path: Path) -> Iterator[tuple[str, ApiServer]]:
    """quality's real api (migrated SQLite) served in this process: (target, ApiServer)."""
    url = f"sqlite:///{tmp_path / 'quality.db'}"
    upgrade(SERVICE.migrations, url)
    settings = SERVICE.load_settings(
        database_url=url, grpc_port=0, verify_http_port=0, mode="development"
    )
    with api_in_process(SERVICE, settings) as (_channel, server, _wiring):
        yield f"127.0.0.1:{server.port}", server


def test_health_exits_0_once_the_api_says_serving(quality_api: tuple[str, ApiServer]) -> None:
    target, _server = quality_api

    wait_until(lambda: health("--target", target).exit_code == 0, timeout=30)

    result = health("--target", target)
    assert result.exit_code == 0
    assert f"quality api at {target}: SERVING" in result.output


def test_health_fails_when_the_api_says_not_serving(quality_api: tuple[str, ApiServer]) -> None:
    target, server = quality_api
    wait_until(lambda: health("--target", target).exit_code == 0, timeout=30)

    server.health.enter_graceful_shutdown()  # what stop() does first

    result = health("--target", target)
    assert result.exit_code == 1
    assert "NOT_SERVING" in result.output
    assert (
        server.health.Check(health_pb2.HealthCheckRequest(service=""), None).status
        == health_pb2.HealthCheckResponse.NOT_SERVING
    )


def test_health_fails_fast_when_nothing_listens() -> None:
    started = time.monotonic()

    result = health("--target", f"127.0.0.1:{free_port()}", "--timeout", "2")

    assert result.exit_code == 1
    assert "UNAVAILABLE" in result.output or "DEADLINE_EXCEEDED" in result.output
    assert time.monotonic() - started < 10


def test_health_fails_when_the_api_does_not_answer_in_time() -> None:
    """A port that accepts but never speaks HTTP/2 (a hung process): the timeout ends it."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()

        result = health("--target", f"127.0.0.1:{silent.getsockname()[1]}", "--timeout", "1")

    assert result.exit_code == 1
    assert "DEADLINE_EXCEEDED" in result.output or "UNAVAILABLE" in result.output
    assert time.monotonic() - started < 10


@pytest.mark.rabbitmq
def test_worker_health_follows_the_workers_healthz(tmp_path: Path, isolated_amqp_url: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "ECBM_MODE": "development",
        "ECBM_AMQP_URL": isolated_amqp_url,
        "ECBM_QUALITY_DATABASE_URL": f"sqlite:///{tmp_path / 'quality.db'}",
        "ECBM_QUALITY_WORKER_METRICS_PORT": str(port),
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "ecbm_runtime.worker_main", "quality"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    target = f"127.0.0.1:{port}"
    try:
        wait_until(
            lambda: health("--worker", "--target", target).exit_code == 0,
            timeout=90,
            message="quality worker healthy",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    result = health("--worker", "--target", target, "--timeout", "1")
    assert result.exit_code == 1
    assert "unreachable" in result.output
