"""``ecbm new-service`` refuses what cannot become a service, with exit code 2, writing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecbm_cli.main import app


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "services").mkdir()
    (tmp_path / "contracts").mkdir()
    return tmp_path


def new_service(root: Path, name: str, grpc_port: int = 50090, metrics_port: int = 9190) -> str:
    arguments = ["--grpc-port", str(grpc_port), "--metrics-port", str(metrics_port)]
    before = sorted(root.rglob("*"))
    result = CliRunner().invoke(app, ["new-service", name, *arguments, "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert sorted(root.rglob("*")) == before
    return result.output


@pytest.mark.parametrize(
    "name", ["Mentors", "1mentors", "mentor-pool", "mentor__pool", "mentor_", "m" * 21, "class"]
)
def test_an_invalid_name_is_refused(root: Path, name: str) -> None:
    assert f"invalid service name {name!r}" in new_service(root, name)


@pytest.mark.parametrize("name", ["runtime", "integration", "cli"])
def test_the_name_of_a_workspace_package_is_refused(root: Path, name: str) -> None:
    assert "reserved" in new_service(root, name)


def test_an_installed_service_name_is_refused(root: Path) -> None:
    assert "'registry' is installed already" in new_service(root, "registry")


def test_a_service_whose_directory_exists_is_refused(root: Path) -> None:
    (root / "services" / "mentor_pool").mkdir()

    assert "exists already" in new_service(root, "mentor_pool")


def test_the_same_port_twice_is_refused(root: Path) -> None:
    assert "must differ" in new_service(root, "mentor_pool", 9190, 9190)


def test_the_default_port_of_an_installed_service_is_refused(root: Path) -> None:
    from importlib.metadata import entry_points

    [matching] = [e for e in entry_points(group="ecbm.services") if e.name == "matching"]
    taken = matching.load().grpc_port

    assert "defaults of matching" in new_service(root, "mentor_pool", grpc_port=taken)


def test_a_root_without_services_and_contracts_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["new-service", "mentor_pool", "--grpc-port", "50090", "--metrics-port", "9190",
              "--root", str(tmp_path)],
    )  # fmt: skip

    assert result.exit_code == 2
    assert "pass --root" in result.output
