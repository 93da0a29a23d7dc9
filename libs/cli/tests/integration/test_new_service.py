"""``ecbm new-service`` writes a service that works: its own tests pass, ruff finds nothing.

The service is written into a temporary directory laid out like the repository. It is not
installed there, so the harness does by hand what steps 1 to 3 of the command's next steps do
in the repository: it compiles the new proto with protoc and lets the installed ``ecbm``
(stubs) and ``ecbm_integration`` (events) packages find the new modules beside them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecbm_cli.main import app

pytestmark = [pytest.mark.slow, pytest.mark.rabbitmq]

REPO = Path(__file__).resolve().parents[4]
NAME = "mentor_pool"


@dataclass(frozen=True)
class Written:
    root: Path
    output: str

    @property
    def service(self) -> Path:
        return self.root / "services" / NAME


def compile_proto(root: Path, out: Path) -> None:
    from grpc_tools import protoc

    include = str(resources.files("grpc_tools") / "_proto")
    proto = f"ecbm/{NAME}/v1/{NAME}.proto"
    # The repository's protos too: the new one imports the access option from there.
    args = [f"-I{root / 'contracts' / 'proto'}", f"-I{REPO / 'contracts' / 'proto'}",
            f"-I{include}", f"--python_out={out}",
            f"--pyi_out={out}", f"--grpc_python_out={out}", proto]  # fmt: skip
    out.mkdir()
    assert protoc.main(["grpc_tools.protoc", *args]) == 0
    for package in (out / "ecbm" / NAME, out / "ecbm" / NAME / "v1"):
        (package / "__init__.py").touch()


HARNESS = '''"""The installed packages find the new service's stubs and events (see the test)."""
import ecbm
import ecbm_integration

ecbm.__path__.append({stubs!r})
ecbm_integration.__path__.append({events!r})
pytest_plugins = ["ecbm_runtime.testing"]
'''
PYTEST_INI = "[pytest]\naddopts = -p no:nameko -p no:cacheprovider\nmarkers = rabbitmq\n"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    root = tmp_path_factory.mktemp("repository")
    (root / "services").mkdir()
    (root / "contracts").mkdir()
    shutil.copy(REPO / "pyproject.toml", root)  # the repository's ruff settings
    arguments = ["--grpc-port", "50090", "--metrics-port", "9190", "--root", str(root)]
    result = CliRunner().invoke(app, ["new-service", NAME, *arguments])
    assert result.exit_code == 0, result.output
    return Written(root, result.output)


def test_it_writes_the_slice_with_every_placeholder_filled(written: Written) -> None:
    every = written.root.rglob("*")
    written_files = [p for p in every if p.is_file() and ".ruff_cache" not in p.parts]
    files = {path.relative_to(written.root).as_posix() for path in written_files}
    source = f"services/{NAME}/src/ecbm_{NAME}"
    assert {
        f"services/{NAME}/pyproject.toml",
        f"{source}/bootstrap.py",
        f"{source}/domain/note.py",
        f"{source}/application/notes/handlers.py",
        f"{source}/adapters/notes/projections.py",
        f"{source}/entrypoints/worker.py",
        f"{source}/migrations/versions/{NAME}_0001_notes.py",
        f"contracts/proto/ecbm/{NAME}/v1/{NAME}.proto",
        f"contracts/events/ecbm_integration/{NAME}.py",
    } <= files
    leftovers = [f for f in files if "NAME" in f or f.endswith(".tmpl")]
    assert leftovers == []
    for path in written_files:
        if path.suffix in (".py", ".proto") or path.parent == written.service:
            assert "${" not in path.read_text(), path
    assert "uv run python contracts/codegen.py" in written.output


def test_the_written_service_is_ruff_clean(written: Written) -> None:
    for command in (["check", "."], ["format", "--check", "."]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command],
            cwd=written.root, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_written_services_own_tests_pass_on_sqlite(written: Written) -> None:
    stubs = written.root / "stubs"
    compile_proto(written.root, stubs)
    events = written.root / "contracts" / "events" / "ecbm_integration"
    (written.root / "conftest.py").write_text(
        HARNESS.format(stubs=str(stubs / "ecbm"), events=str(events))
    )
    (written.root / "pytest.ini").write_text(PYTEST_INI)
    environment = {**os.environ, "PYTHONPATH": str(written.service / "src")}

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", "pytest.ini", "--rootdir", ".", "-q",
         "-k", "not postgresql", f"services/{NAME}"],
        cwd=written.root, env=environment, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout[-2000:]


@pytest.mark.skipif(
    not (REPO / "contracts" / "node_modules" / ".bin" / "buf").exists(), reason="no buf (npm ci)"
)
def test_the_written_proto_passes_buf_lint(written: Written) -> None:
    shutil.copy(REPO / "contracts" / "buf.yaml", written.root / "contracts")
    access = Path("contracts/proto/ecbm/access")  # what every service's proto imports
    shutil.copytree(REPO / access, written.root / access, dirs_exist_ok=True)
    buf = REPO / "contracts" / "node_modules" / ".bin" / "buf"

    done = subprocess.run(
        [str(buf), "lint", "contracts"],
        cwd=written.root, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
