"""The ``ecbm`` command reaches services only through entry points, never by importing them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

from typer.testing import CliRunner

from ecbm_cli.bench import load_suite, suite_names
from ecbm_cli.main import app
from ecbm_runtime.service import SERVICE_ORDER

SOURCE = Path(__file__).resolve().parents[2] / "src"


def service_packages() -> set[str]:
    """``ecbm_<service>`` for every known and every installed service or service CLI."""
    installed = {
        entry.module.split(".")[0]
        for group in ("ecbm.services", "ecbm.cli", "ecbm.benchmarks")
        for entry in entry_points(group=group)
    }
    return installed | {f"ecbm_{name}" for name in SERVICE_ORDER}


def imported_modules(tree: ast.AST) -> Iterator[str]:
    """Every module an ``import``, ``from … import`` or ``import_module("…")`` names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def service_imports(path: Path, services: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {name.split(".")[0] for name in imported_modules(tree)} & services


def test_the_cli_imports_no_service_module() -> None:
    services = service_packages()
    found = {
        path.relative_to(SOURCE).as_posix(): service_imports(path, services)
        for path in sorted(SOURCE.rglob("*.py"))
    }

    assert len(found) > 5  # the walk really read the package
    assert {module: imports for module, imports in found.items() if imports} == {}


def test_the_check_catches_every_way_of_importing_a_service(tmp_path: Path) -> None:
    module = tmp_path / "sneaky.py"
    module.write_text(
        "import ecbm_registry.bootstrap\n"
        "from ecbm_notify.adapters import smtp_sink\n"
        "import importlib\n"
        "importlib.import_module('ecbm_quality.bootstrap')\n"
        "from ecbm_runtime import service\n"
        "from . import sibling\n",
        encoding="utf-8",
    )

    found = service_imports(module, service_packages())

    assert found == {"ecbm_registry", "ecbm_notify", "ecbm_quality"}


def test_every_service_cli_entry_point_is_mounted_as_ecbm_service() -> None:
    contributed = [entry.name for entry in entry_points(group="ecbm.cli")]

    assert "registry" in contributed
    for name in contributed:
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output


def test_registry_import_is_offered_with_its_dry_run_option() -> None:
    result = CliRunner().invoke(app, ["registry", "import", "--help"])

    assert result.exit_code == 0, result.output
    assert "--dry-run" in result.output


def test_every_service_benchmark_entry_point_is_a_suite_of_ecbm_bench() -> None:
    contributed = [entry.name for entry in entry_points(group="ecbm.benchmarks")]

    assert {"registry", "notify", "alerts", "matching"} <= set(contributed)
    for name in contributed:
        suite = load_suite(name)
        assert name in suite_names()
        assert "tiny" in suite.SCALES and suite.TARGETS
        assert callable(suite.run) and callable(suite.headline) and callable(suite.table)
