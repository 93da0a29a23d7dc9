"""notify's api process stops promptly on SIGTERM even with an open WatchNotifications
stream: the live fan-out is closed before the gRPC server's grace period starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc

from ecbm.notify.v1 import notify_pb2 as pb
from ecbm.notify.v1 import notify_pb2_grpc
from ecbm_runtime.testing import bearer, free_port, wait_until

GRACE_SECONDS = 5.0  # serve_forever's


def test_an_open_watch_does_not_hold_up_shutdown(tmp_path: Path) -> None:
    grpc_port = free_port()
    env = {
        **os.environ,
        "ECBM_NOTIFY_DATABASE_URL": f"sqlite:///{tmp_path / 'notify.db'}",
        "ECBM_NOTIFY_GRPC_PORT": str(grpc_port),
        "ECBM_NOTIFY_HTTP_PORT": str(free_port()),
        "ECBM_NOTIFY_METRICS_PORT": str(free_port()),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    log = (tmp_path / "api.log").open("wb")
    api = subprocess.Popen([sys.executable, "-m", "ecbm_runtime.api_main", "notify"], env=env,
                           stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    channel = grpc.insecure_channel(f"127.0.0.1:{grpc_port}")
    try:
        wait_until(lambda: _ready(channel), timeout=60, message="notify api serving")
        stub = notify_pb2_grpc.NotifyServiceStub(channel)
        watch = stub.WatchNotifications(
            pb.WatchNotificationsRequest(parent="recipients/any"),
            metadata=bearer("editor"),
        )
        first = next(watch)
        assert first.change == pb.WatchNotificationsResponse.CHANGE_UNREAD_COUNT

        started = time.perf_counter()
        api.send_signal(signal.SIGTERM)
        assert api.wait(GRACE_SECONDS * 2) == 0
        took = time.perf_counter() - started
    finally:
        channel.close()
        if api.poll() is None:
            api.kill()
            api.wait()
    assert took < GRACE_SECONDS / 2, f"stopping took {took:.1f}s"


def _ready(channel: grpc.Channel) -> bool:
    try:
        grpc.channel_ready_future(channel).result(timeout=1)
    except grpc.FutureTimeoutError:
        return False
    return True
