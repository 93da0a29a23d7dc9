"""The ecbm command as an operator uses it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from ecbm_runtime.auth import verify_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import free_port, grpc_serving, wait_until, worker_healthy

pytestmark = pytest.mark.e2e
ECBM = [sys.executable, "-m", "ecbm_cli.main"]


def test_token_prints_a_development_jwt_with_the_roles_asked_for() -> None:
    printed = subprocess.run(
        [*ECBM, "token", "--role", "editor", "--role", "member", "--sub", "p-1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    principal = verify_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", printed)
    assert principal.subject == "p-1"
    assert principal.roles == {"editor", "member"}


def test_token_names_every_service_as_its_audience_by_default() -> None:
    printed = subprocess.run(
        [*ECBM, "token", "--role", "member"], capture_output=True, text=True, check=True
    ).stdout.strip()

    principal = verify_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", printed, audience="notify")
    assert principal.roles == {"member"}


def test_token_refuses_to_mint_outside_development_mode() -> None:
    env = {**os.environ, "ECBM_MODE": "production"}
    result = subprocess.run(
        [*ECBM, "token", "--role", "admin"], capture_output=True, text=True, env=env
    )

    assert result.returncode != 0
    assert result.stdout == ""
    assert "only in development mode" in result.stderr


def test_token_refuses_a_role_the_platform_does_not_have() -> None:
    result = subprocess.run([*ECBM, "token", "--role", "king"], capture_output=True, text=True)

    assert result.returncode != 0
    assert "unknown roles" in result.stderr + result.stdout


def test_up_starts_every_process_and_stops_them_all_on_sigterm(
    tmp_path: Path, isolated_amqp_url: str
) -> None:
    env = {**os.environ, "ECBM_VAR_DIR": str(tmp_path), "ECBM_AMQP_URL": isolated_amqp_url}
    env["ECBM_NOTIFY_SMTP_PORT"] = str(free_port())  # up's own mail sink, not the default 8025
    ports, worker_ports = {}, {}
    for name in ("registry", "notify"):
        ports[name], worker_ports[name] = free_port(), free_port()
        env[f"ECBM_{name.upper()}_GRPC_PORT"] = str(ports[name])
        env[f"ECBM_{name.upper()}_METRICS_PORT"] = str(free_port())
        env[f"ECBM_{name.upper()}_WORKER_METRICS_PORT"] = str(worker_ports[name])
        env[f"ECBM_{name.upper()}_HTTP_PORT"] = str(free_port())  # notify's web inbox
    log = (tmp_path / "up.log").open("w")
    up = subprocess.Popen(
        [*ECBM, "up", "--only", "registry", "--only", "notify"], env=env, stdout=log, stderr=log
    )
    try:
        for port in ports.values():
            wait_until(lambda p=port: grpc_serving(f"127.0.0.1:{p}"), timeout=90)
        for port in worker_ports.values():
            wait_until(lambda p=port: worker_healthy(p), timeout=90)
    finally:
        up.send_signal(signal.SIGTERM)
        code = up.wait(60)

    output = (tmp_path / "up.log").read_text()
    assert code == 0, output
    assert f"gRPC 127.0.0.1:{ports['registry']}" in output
    assert "registry.worker " in output and "notify.api " in output
    for port in ports.values():
        with pytest.raises(grpc.RpcError):
            grpc_serving(f"127.0.0.1:{port}")
