"""The api process of a service: ``python -m ecbm_runtime.api_main <service>``.

Migrates, builds the service's servicers through its ServiceDefinition, serves gRPC
(health, reflection, interceptors) and Prometheus metrics until SIGTERM or SIGINT, or
until the ``ecbm up`` that started it is gone.

With ``api_processes`` above 1 (``ECBM_API_PROCESSES``) this process migrates, reserves
the port and starts that many api processes which all bind it with ``SO_REUSEPORT``: the
kernel spreads connections over them, so one process's GIL stops being the ceiling (as
grpc's Python multiprocessing example does). This process serves the metrics of all of
them (Prometheus multiprocess mode) and stops them all when one fails or on SIGTERM.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from ecbm_runtime.lifeline import SUPERVISOR_PID, die_with_parent, watch_supervisor
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.observability import configure_logging
from ecbm_runtime.service import load_service
from ecbm_runtime.settings import ServiceSettings, UnsafeSettings, check_can_start

_log = logging.getLogger("ecbm_runtime.api")
# Set by the parent for each api process it starts: the reserved port to bind with
# SO_REUSEPORT. Not a setting: only this module starts such processes.
REUSE_PORT = "ECBM_API_REUSE_PORT"
_STOP_SECONDS = 15.0


def run(name: str) -> int:
    definition = load_service(name)
    settings = definition.load_settings()
    configure_logging(name, "api", settings.log_level)
    try:
        check_can_start(settings)
    except UnsafeSettings as error:
        _log.critical("%s", error)
        return 78  # EX_CONFIG
    watch_supervisor()
    reuse_port = os.environ.get(REUSE_PORT, "")
    if reuse_port.isdigit():  # one of several api processes: the parent migrated
        settings = settings.model_copy(update={"grpc_port": int(reuse_port)})
        return serve(name, settings, reuse_port=True, metrics=False)
    upgrade(definition.migrations, settings.effective_database_url())
    if settings.api_processes > 1:
        return serve_with_processes(name, settings)
    return serve(name, settings, reuse_port=False, metrics=True)


def serve(name: str, settings: ServiceSettings, reuse_port: bool, metrics: bool) -> int:
    """Build the service's api and serve it in this process until a signal."""
    from ecbm_runtime.grpc import create_server_for, serve_forever
    from ecbm_runtime.metrics import start_metrics_server

    wiring = load_service(name).build_api(settings)
    server, port = create_server_for(settings, wiring, reuse_port=reuse_port)
    metrics_port = 0
    if metrics:
        metrics_port = start_metrics_server(settings.metrics_port, settings.metrics_host)
    _log.info(
        "%s api serving gRPC on %s:%d%s",
        name,
        settings.grpc_host,
        port,
        f"; metrics at http://127.0.0.1:{metrics_port}/metrics" if metrics else "",
        extra={"grpc_port": port, "metrics_port": metrics_port},
    )
    try:
        serve_forever(server)
    finally:
        wiring.on_stop()
    return 0


@contextmanager
def reserved_port(host: str, port: int) -> Iterator[int]:
    """Bind ``host:port`` (0: a free one) with SO_REUSEPORT, not listening, while in use.

    Holding it keeps another program from taking the port between the api processes'
    binds; they can bind it too because every socket on it sets SO_REUSEPORT.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


def serve_with_processes(name: str, settings: ServiceSettings) -> int:
    """Start ``api_processes`` api processes on one port; supervise them until a signal."""
    count = settings.api_processes
    with (
        reserved_port(settings.grpc_host, settings.grpc_port) as port,
        tempfile.TemporaryDirectory(prefix=f"ecbm-{name}-metrics-") as metrics_dir,
    ):
        env = {
            **os.environ,
            REUSE_PORT: str(port),
            SUPERVISOR_PID: str(os.getpid()),
            "PROMETHEUS_MULTIPROC_DIR": metrics_dir,
        }
        command = [sys.executable, "-m", "ecbm_runtime.api_main", name]
        children = [
            subprocess.Popen(command, env=env, preexec_fn=die_with_parent()) for _ in range(count)
        ]
        metrics_port = _serve_multiprocess_metrics(settings, metrics_dir)
        _log.info(
            "%s api: %d processes serving gRPC on %s:%d; metrics at http://127.0.0.1:%d/metrics",
            name, count, settings.grpc_host, port, metrics_port,
            extra={"grpc_port": port, "metrics_port": metrics_port, "api_processes": count},
        )  # fmt: skip
        return _supervise(children)


def _serve_multiprocess_metrics(settings: ServiceSettings, directory: str) -> int:
    """``/metrics`` summed over the api processes (``prometheus_client.multiprocess``)."""
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    server, _thread = start_http_server(
        settings.metrics_port, addr=settings.metrics_host, registry=registry
    )
    return int(server.server_port)


def _supervise(children: list[subprocess.Popen[bytes]]) -> int:
    """Wait until a signal or a child's exit, then stop them all; the first failure's code."""
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        exited = [child for child in children if child.poll() is not None]
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + _STOP_SECONDS
        for child in children:
            try:
                child.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if exited and not stopping:
        _log.error("api process %d exited with %s; stopped the others", exited[0].pid,
                   exited[0].returncode)  # fmt: skip
        return exited[0].returncode or 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m ecbm_runtime.api_main <service>\n")
        return 2
    return run(args[0])


if __name__ == "__main__":
    raise SystemExit(main())
