"""Starts services' api and worker processes for end-to-end tests, on free ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from ecbm.notify.v1 import notify_pb2_grpc
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_runtime.testing import free_port, grpc_serving, wait_until, worker_healthy


@dataclass
class ServiceProcesses:
    """The api and worker of one service, with the ports they were given."""

    name: str
    env: dict[str, str]
    log_dir: Path
    grpc_port: int = field(default_factory=free_port)
    metrics_port: int = field(default_factory=free_port)
    worker_metrics_port: int = field(default_factory=free_port)
    # notify's live web inbox (HTTP); other services ignore the setting.
    http_port: int = field(default_factory=free_port)
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def environment(self) -> dict[str, str]:
        prefix = f"ECBM_{self.name.upper()}_"
        ports = {
            f"{prefix}GRPC_PORT": str(self.grpc_port),
            f"{prefix}METRICS_PORT": str(self.metrics_port),
            f"{prefix}WORKER_METRICS_PORT": str(self.worker_metrics_port),
            f"{prefix}HTTP_PORT": str(self.http_port),
        }
        quiet = {"PYTHONWARNINGS": "ignore::DeprecationWarning"}
        return {**os.environ, **self.env, **ports, **quiet}

    def start(self, kind: str) -> None:
        module = "ecbm_runtime.api_main" if kind == "api" else "ecbm_runtime.worker_main"
        log = (self.log_dir / f"{self.name}-{kind}.log").open("ab")
        self.running[kind] = subprocess.Popen(
            [sys.executable, "-m", module, self.name],
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if kind == "api":
            wait_until(self._serving, timeout=60, message=f"{self.name} api SERVING")
        else:
            wait_until(self._worker_healthy, timeout=60, message=f"{self.name} worker healthy")

    def _serving(self) -> bool:
        self._check_alive()
        return grpc_serving(self.target)

    def _worker_healthy(self) -> bool:
        self._check_alive()
        return worker_healthy(self.worker_metrics_port)

    def _check_alive(self) -> None:
        for kind, process in self.running.items():
            if process.poll() is not None:
                raise AssertionError(f"{self.name} {kind} exited: {self.log_tail(kind)}")

    def log_tail(self, kind: str, lines: int = 30) -> str:
        path = self.log_dir / f"{self.name}-{kind}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self, kind: str) -> None:
        process = self.running.pop(kind)
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.running.values():
            process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running.clear()


def stubs(processes: dict[str, ServiceProcesses]) -> tuple[object, object, list[grpc.Channel]]:
    registry_channel = grpc.insecure_channel(processes["registry"].target)
    notify_channel = grpc.insecure_channel(processes["notify"].target)
    return (
        registry_pb2_grpc.RegistryServiceStub(registry_channel),
        notify_pb2_grpc.NotifyServiceStub(notify_channel),
        [registry_channel, notify_channel],
    )
