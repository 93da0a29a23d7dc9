"""Production mode as an operator meets it: processes refuse development keys at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

pytestmark = pytest.mark.e2e


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ECBM_JWT")}
    return {**inherited, "ECBM_MODE": "production", "ECBM_VAR_DIR": str(tmp_path), **extra}


@pytest.mark.parametrize("process", ["api_main", "worker_main"])
def test_a_process_refuses_to_start_in_production_with_the_development_key(
    tmp_path: Path, process: str
) -> None:
    env = production_env(tmp_path, ECBM_JWT_SECRET=DEVELOPMENT_JWT_SECRET)

    result = subprocess.run(
        [sys.executable, "-m", f"ecbm_runtime.{process}", "registry"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 78, result.stderr
    assert "refusing to start registry in production mode" in result.stderr
    assert "development key" in result.stderr
    assert not (tmp_path / "registry.db").exists()  # refused before touching the database


def test_notify_refuses_to_start_in_production_without_its_link_key(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "ecbm_jwt_secret").write_text("a-production-signing-key-nobody-has-seen-0123456789")
    env = production_env(tmp_path, ECBM_SECRETS_DIR=str(secrets))

    result = subprocess.run(
        [sys.executable, "-m", "ecbm_runtime.api_main", "notify"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 78, result.stderr
    assert "ECBM_NOTIFY_UNSUBSCRIBE_SECRET is empty" in result.stderr
    assert "ECBM_JWT_SECRET" not in result.stderr  # read from its file, and strong
