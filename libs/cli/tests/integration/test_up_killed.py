"""``ecbm up`` killed with SIGKILL, or stopped by a burst of signals, leaves no api or
worker running and no port held."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ecbm_runtime.testing import free_port, grpc_serving, wait_until, worker_healthy

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.rabbitmq,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]


def children_of(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while we looked
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def gone(pid: int) -> bool:
    """No such process, or a zombie nobody reaps (an orphan's new parent may not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def free(port: int) -> bool:
    """A server could bind the port again (as the api and worker would on a restart)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_up(tmp_path: Path, amqp_url: str) -> tuple[subprocess.Popen[bytes], dict[str, int]]:
    """``ecbm up --only alerts``, its api SERVING and its worker healthy."""
    ports = {"GRPC": free_port(), "METRICS": free_port(), "WORKER_METRICS": free_port()}
    env = {
        **os.environ,
        "ECBM_VAR_DIR": str(tmp_path),
        "ECBM_AMQP_URL": amqp_url,
        **{f"ECBM_ALERTS_{name}_PORT": str(port) for name, port in ports.items()},
    }
    with (tmp_path / "up.log").open("w") as log:
        up = subprocess.Popen(
            [sys.executable, "-m", "ecbm_cli.main", "up", "--only", "alerts"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(
            lambda: grpc_serving(f"127.0.0.1:{ports['GRPC']}"),
            timeout=90,
            message="alerts api SERVING",
        )
        wait_until(
            lambda: worker_healthy(ports["WORKER_METRICS"]), timeout=90, message="worker healthy"
        )
    except BaseException:
        up.kill()
        up.wait(10)
        raise
    return up, ports


def test_a_burst_of_signals_stops_up_and_every_child(
    tmp_path: Path, isolated_amqp_url: str
) -> None:
    """Ctrl-C reaches ``ecbm up`` from the terminal and again from ``uv run``. A signal
    arriving while the handler of the first held an Event's lock once deadlocked the
    supervisor (seen under ``timeout`` plus ``pkill``); the handler now only records it.
    That interleaving is too narrow to hit on demand: this test holds the outcome (exit 0,
    every child gone, every port free) for a burst of both signals."""
    up, ports = start_up(tmp_path, isolated_amqp_url)
    children = children_of(up.pid)
    try:
        for sig in [signal.SIGINT, signal.SIGTERM] * 10:
            up.send_signal(sig)

        assert up.wait(60) == 0, (tmp_path / "up.log").read_text()
        wait_until(lambda: all(map(gone, children)), timeout=30, message=f"{children} gone")
        wait_until(lambda: all(map(free, ports.values())), timeout=10, message=f"{ports} free")
    finally:
        up.kill()
        up.wait(10)
        for pid in children:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_every_child_ends_and_frees_its_port_when_up_is_killed(
    tmp_path: Path, isolated_amqp_url: str
) -> None:
    up, ports = start_up(tmp_path, isolated_amqp_url)
    children: list[int] = []
    try:
        children = children_of(up.pid)
        assert len(children) == 2, (tmp_path / "up.log").read_text()

        up.send_signal(signal.SIGKILL)
        up.wait(10)

        wait_until(lambda: all(map(gone, children)), timeout=60, message=f"{children} gone")
        wait_until(lambda: all(map(free, ports.values())), timeout=10, message=f"{ports} free")
    finally:
        up.kill()
        up.wait(10)
        for pid in children:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
