"""``ecbm new-service``: write a new service from the template under ``templates/service/``.

The template is one vertical slice (an aggregate, a command, a query, a projection, an
integration event, a consumer of another service's event, an api method pair and their
tests) that a new service grows from. Files ending in ``.tmpl`` are ``string.Template``s
(``${name}``, ``${Name}``, …); others are copied as they are. ``NAME`` in a path is the
service's name.
"""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from string import Template
from typing import Annotated

import typer

TEMPLATE = Path(__file__).parent / "templates" / "service"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
MAX_NAME_LENGTH = 20
# Names of the workspace's own packages: ecbm_runtime, ecbm_cli, ecbm_integration, …
RESERVED = frozenset({"cli", "contracts", "integration", "platform", "runtime", "service"})


class Refused(ValueError):
    """The name or ports cannot make a new service; the message says why."""


@dataclass(frozen=True)
class NewService:
    """What the template is rendered with."""

    name: str
    grpc_port: int
    metrics_port: int
    worker_metrics_port: int

    @property
    def pascal(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    def substitutions(self) -> dict[str, str]:
        return {
            "name": self.name,
            "Name": self.pascal,
            "NAME": self.name.upper(),
            "project": "ecbm-" + self.name.replace("_", "-"),
            "grpc_port": str(self.grpc_port),
            "metrics_port": str(self.metrics_port),
            "worker_metrics_port": str(self.worker_metrics_port),
        }


def check_name(name: str, root: Path) -> None:
    """Refuse a name that is not a lower_snake identifier, is reserved, or is taken."""
    if not NAME_PATTERN.fullmatch(name) or len(name) > MAX_NAME_LENGTH:
        raise Refused(
            f"invalid service name {name!r}: use lower_snake_case, a letter first, "
            f"at most {MAX_NAME_LENGTH} characters (e.g. 'mentor_pool')"
        )
    if keyword.iskeyword(name) or name in RESERVED:
        raise Refused(f"invalid service name {name!r}: it is reserved")
    installed = {entry.name for entry in entry_points(group="ecbm.services")}
    if name in installed:
        raise Refused(f"a service named {name!r} is installed already")
    for taken in (root / "services" / name, root / "contracts" / "proto" / "ecbm" / name):
        if taken.exists():
            raise Refused(f"a service named {name!r} exists already: {taken}")


def check_ports(service: NewService) -> None:
    """Refuse ports out of range, repeated, or the defaults of an installed service."""
    ports = [service.grpc_port, service.metrics_port, service.worker_metrics_port]
    if any(not 1024 <= port <= 65535 for port in ports):
        raise Refused(f"ports must be between 1024 and 65535, got {ports}")
    if len(set(ports)) != len(ports):
        raise Refused(f"the gRPC, metrics and worker metrics ports must differ, got {ports}")
    for entry in entry_points(group="ecbm.services"):
        try:
            other = entry.load()
        except Exception:  # a service broken in this checkout must not block a new one
            continue
        used = {other.grpc_port, other.metrics_port, other.worker_metrics_port}
        clash = sorted(used & set(ports))
        if clash:
            raise Refused(f"port(s) {clash} are the defaults of {entry.name}; pick others")


def render(service: NewService, root: Path) -> list[Path]:
    """Write the template under ``root`` (a repository root); the files written."""
    values = service.substitutions()
    planned: list[tuple[Path, Path]] = []
    for source in sorted(p for p in TEMPLATE.rglob("*") if p.is_file()):
        if "__pycache__" in source.parts:
            continue
        relative = source.relative_to(TEMPLATE).as_posix().replace("NAME", service.name)
        planned.append((source, root / relative.removesuffix(".tmpl")))
    existing = [target for _, target in planned if target.exists()]
    if existing:
        raise Refused(f"refusing to overwrite {existing[0]}")
    for source, target in planned:
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text()
        if source.suffix == ".tmpl":
            text = Template(text).substitute(values)
        target.write_text(text)
    return [target for _, target in planned]


def tidy(paths: list[Path]) -> bool:
    """Sort imports and format the written Python with the repository's ruff settings.

    Where ``ecbm_<name>`` goes among the other first-party imports depends on the name, so
    a template cannot get it right for every name. False when ruff is missing or failed.
    """
    python = [str(path) for path in paths if path.suffix == ".py"]
    for command in (["check", "--fix", "--select", "I", "--quiet"], ["format", "--quiet"]):
        try:
            done = subprocess.run([sys.executable, "-m", "ruff", *command, *python], check=False)
        except OSError:
            return False
        if done.returncode != 0:
            return False
    return True


def next_steps(service: NewService) -> str:
    values = service.substitutions()
    return Template(NEXT_STEPS).substitute(values)


NEXT_STEPS = """
Next steps (from the repository root):
  1. Publish its events: in contracts/events/ecbm_integration/catalogue.py import it,
       from ecbm_integration import ${name}, quality, registry
  2. Generate its gRPC stubs and event schemas:
       uv run python contracts/codegen.py
  3. Make it part of the workspace: in pyproject.toml add "${project}" to
     [project] dependencies and  ${project} = { workspace = true }  to [tool.uv.sources]
     then
       uv lock && uv sync
  4. Run its tests, then the service:
       uv run pytest -p no:nameko services/${name}
       uv run ecbm migrate ${name} && uv run ecbm up --only ${name}
  5. Grow it: rename the Note slice to the service's first aggregate (domain/, application/,
     adapters/, the proto, the integration event), or delete it once the real one exists.
"""


def new_service(
    name: Annotated[str, typer.Argument(help="lower_snake_case, e.g. mentor_pool")],
    grpc_port: Annotated[int, typer.Option(help="Default gRPC port of its api.")],
    metrics_port: Annotated[int, typer.Option(help="Default /metrics port of its api.")],
    worker_metrics_port: Annotated[
        int | None, typer.Option(help="Default /metrics port of its worker (metrics port + 100).")
    ] = None,
    root: Annotated[
        Path, typer.Option(help="The repository root (it has services/ and contracts/).")
    ] = Path("."),
) -> None:
    """Write a new service (one working vertical slice, with its tests) from the template."""
    service = NewService(name, grpc_port, metrics_port, worker_metrics_port or metrics_port + 100)
    try:
        if not (root / "services").is_dir() or not (root / "contracts").is_dir():
            raise Refused(f"{root.resolve()} has no services/ and contracts/: pass --root")
        check_name(name, root)
        check_ports(service)
        written = render(service, root)
    except Refused as refused:
        typer.echo(f"ecbm new-service: {refused}", err=True)
        raise typer.Exit(2) from refused
    for path in written:
        typer.echo(f"wrote {path.relative_to(root).as_posix()}")
    if not tidy(written):
        typer.echo(f"ruff did not tidy the imports: run  uv run ruff check --fix services/{name}")
    typer.echo(next_steps(service))
