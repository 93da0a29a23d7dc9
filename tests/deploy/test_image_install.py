"""The Dockerfile's two install steps, run without Docker (none runs in CI) in a temporary copy
of the build context: the dependency layer installs from uv.lock and the root pyproject.toml
alone, the platform then installs non-editable, and the result runs with no source tree
(the runtime stage copies only the virtual environment).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def build_context(target: Path) -> None:
    """The files `docker build` would see: git's files less what .dockerignore names."""
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        parts = Path(name).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(p, pattern.removeprefix("**/")) for p in [*prefixes, *parts]
               for pattern in ignored):  # fmt: skip
            continue
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def test_the_image_install_works_from_the_lockfile_then_without_source(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    assert uv, "uv is missing: ./dev installs it into .tools/bin"
    venv, lock_only, context = tmp_path / "venv", tmp_path / "lock", tmp_path / "src"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_LINK_MODE": "copy"}
    env.pop("VIRTUAL_ENV", None)
    lock_only.mkdir()
    for name in ("uv.lock", "pyproject.toml"):
        shutil.copy2(ROOT / name, lock_only / name)
    sync = [uv, "sync", "--frozen", "--no-dev", "--no-editable", "--quiet"]

    layer = subprocess.run([*sync, "--no-install-workspace"], cwd=lock_only, env=env,
                           capture_output=True, text=True)  # fmt: skip
    assert layer.returncode == 0, layer.stderr
    assert not list(venv.glob("lib/python3.11/site-packages/ecbm_*"))  # dependencies only
    context.mkdir()
    build_context(context)
    assert not (context / ".git").exists() and not (context / "deploy/secrets").exists()
    full = subprocess.run(sync, cwd=context, env=env, capture_output=True, text=True)
    assert full.returncode == 0, full.stderr
    shutil.rmtree(context)  # the runtime stage has no source tree

    var = tmp_path / "var"
    run_env = {**os.environ, "ECBM_MODE": "development", "ECBM_VAR_DIR": str(var)}
    migrated = subprocess.run(
        [str(venv / "bin/ecbm"), "migrate", "quality", "--no-bus"],
        cwd=tmp_path, env=run_env, capture_output=True, text=True,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    assert (var / "quality.db").exists()
    health = subprocess.run(
        [str(venv / "bin/ecbm"), "health", "quality", "--target", "127.0.0.1:1", "--timeout", "1"],
        cwd=tmp_path, env=run_env, capture_output=True, text=True,
    )  # fmt: skip
    assert health.returncode == 1
    assert not list(venv.glob("lib/python3.11/site-packages/__editable__*"))
