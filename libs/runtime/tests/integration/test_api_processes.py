"""Several api processes of one service serve one port (``ECBM_API_PROCESSES``, SO_REUSEPORT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ecbm_runtime.testing import free_port, grpc_serving, wait_until

LISTEN, ESTABLISHED = "0A", "01"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4: the parent's pid
                found.append(int(entry.name))
    return found


def sockets_on(port: int, state: str) -> set[str]:
    """Inodes of TCP sockets whose local port is ``port``, in ``state`` (grpc binds IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == state:
                inodes.add(fields[9])
    return inodes


def owners(inodes: set[str], pids: list[int]) -> dict[int, int]:
    """How many of ``inodes`` each of ``pids`` has open."""
    counts = {}
    for pid in pids:
        links = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                links.append(os.readlink(fd))
            except OSError:
                continue
        counts[pid] = sum(1 for link in links if link[len("socket:[") : -1] in inodes)
    return counts


@pytest.fixture
def two_api_processes(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, int]]:
    port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "ECBM_MODE": "development",
        "ECBM_MATCHING_DATABASE_URL": f"sqlite:///{tmp_path / 'matching.db'}",
        "ECBM_MATCHING_GRPC_PORT": str(port),
        "ECBM_MATCHING_METRICS_PORT": str(metrics_port),
        "ECBM_API_PROCESSES": "2",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    log = (tmp_path / "api.log").open("wb")
    parent = subprocess.Popen([sys.executable, "-m", "ecbm_runtime.api_main", "matching"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        yield parent, port, metrics_port
    finally:
        if parent.poll() is None:
            parent.send_signal(signal.SIGTERM)
            try:
                parent.wait(30)
            except subprocess.TimeoutExpired:
                parent.kill()
                parent.wait()
        log.close()


def test_two_api_processes_listen_on_one_port_and_both_take_connections(
    two_api_processes: tuple[subprocess.Popen[bytes], int, int],
) -> None:
    parent, port, metrics_port = two_api_processes
    target = f"127.0.0.1:{port}"
    wait_until(lambda: grpc_serving(target), timeout=90, message="matching api serving")
    children = children_of(parent.pid)
    wait_until(lambda: len(sockets_on(port, LISTEN)) == 2, timeout=60)

    listening = owners(sockets_on(port, LISTEN), children)
    # One connection per channel; the kernel spreads new connections over the listeners.
    own_connection = [("grpc.use_local_subchannel_pool", 1)]
    channels = [grpc.insecure_channel(target, own_connection) for _ in range(24)]
    try:
        for channel in channels:
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        accepted = owners(sockets_on(port, ESTABLISHED), children)
    finally:
        for channel in channels:
            channel.close()
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as page:
        metrics_status = page.status

    assert len(children) == 2
    assert sorted(listening.values()) == [1, 1]  # each process its own listening socket
    assert all(count > 0 for count in accepted.values()), accepted
    assert sum(accepted.values()) == 24
    assert metrics_status == 200


def test_stopping_the_parent_stops_every_api_process(
    two_api_processes: tuple[subprocess.Popen[bytes], int, int],
) -> None:
    parent, port, _ = two_api_processes
    wait_until(
        lambda: grpc_serving(f"127.0.0.1:{port}"), timeout=90, message="matching api serving"
    )
    children = children_of(parent.pid)

    parent.send_signal(signal.SIGTERM)

    assert parent.wait(30) == 0
    assert len(children) == 2
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)
    assert sockets_on(port, LISTEN) == set()
