"""The committed stubs and event schemas are what codegen.py would generate now."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

CONTRACTS = Path(__file__).resolve().parents[1]


def load_codegen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ecbm_codegen", CONTRACTS / "codegen.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_generated_files_are_fresh() -> None:
    result = subprocess.run(
        [sys.executable, str(CONTRACTS / "codegen.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"stale generated files:\n{result.stderr}"


def test_check_reports_stale_missing_and_leftover_files(tmp_path: Path) -> None:
    codegen = load_codegen()
    fresh, committed = tmp_path / "fresh", tmp_path / "committed"
    codegen.generate(fresh)
    codegen.generate(committed)
    assert list(codegen.differences(fresh, committed)) == []  # deterministic

    (committed / "events/asyncapi.yaml").write_text("edited\n")
    (committed / "python/ecbm/registry/v1/registry_pb2.py").unlink()
    (committed / "events/schemas/registry/Gone.v1.json").write_text("{}\n")

    assert sorted(codegen.differences(fresh, committed)) == [
        ("missing", "python/ecbm/registry/v1/registry_pb2.py"),
        ("stale", "events/asyncapi.yaml"),
        ("stale (no longer generated)", "events/schemas/registry/Gone.v1.json"),
    ]
