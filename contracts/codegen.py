"""Regenerate (or check) everything generated from the contracts.

    uv run python contracts/codegen.py           # rewrite generated files in place
    uv run python contracts/codegen.py --check   # exit 1 listing stale/missing files

Generated, and committed:
- gRPC stubs: contracts/proto/**/*.proto -> contracts/python/ecbm/** (*_pb2.py, *_pb2.pyi,
  *_pb2_grpc.py, __init__.py), via grpc_tools.protoc;
- integration event schemas: contracts/events/ecbm_integration -> contracts/events/schemas/**
  and contracts/events/asyncapi.yaml, via ecbm_integration.export.

Everything is generated into a temporary directory first and then compared with (or copied
over) the committed tree, so a run is all-or-nothing and files for deleted protos or events
are removed too.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

CONTRACTS = Path(__file__).resolve().parent
PROTO_ROOT = CONTRACTS / "proto"
EVENTS_ROOT = CONTRACTS / "events"

# Generated trees/files, relative to CONTRACTS. Everything under a managed tree is owned by
# this script: files the generator no longer produces are stale.
MANAGED_TREES = ("python/ecbm", "events/schemas")
MANAGED_FILES = ("events/asyncapi.yaml",)


def proto_files() -> list[str]:
    """All .proto files, relative to the proto root, in a stable order."""
    return sorted(p.relative_to(PROTO_ROOT).as_posix() for p in PROTO_ROOT.rglob("*.proto"))


def generate_stubs(out: Path) -> None:
    """Run protoc for every .proto into ``out`` (a python/ root) and add __init__.py files."""
    from grpc_tools import protoc

    out.mkdir(parents=True, exist_ok=True)
    include = str(resources.files("grpc_tools") / "_proto")
    files = proto_files()
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        *files,
    ]
    if protoc.main(args) != 0:
        raise SystemExit(f"protoc failed for {files}")
    package_root = out / "ecbm"
    package_root.mkdir(exist_ok=True)
    for directory in [package_root, *(p for p in package_root.rglob("*") if p.is_dir())]:
        (directory / "__init__.py").touch()


def generate_events(out: Path) -> None:
    """Write event JSON schemas and the AsyncAPI document into ``out`` (an events/ root)."""
    sys.path.insert(0, str(EVENTS_ROOT))  # the working tree, even if installed elsewhere
    from ecbm_integration.export import export

    export(out)


def generate(root: Path) -> None:
    """Generate everything into ``root``, laid out like contracts/."""
    generate_stubs(root / "python")
    generate_events(root / "events")


def managed_files(root: Path) -> set[str]:
    """Relative paths of every generated file present under ``root``."""
    found: set[str] = set()
    for tree in MANAGED_TREES:
        base = root / tree
        if base.is_dir():
            found.update(
                p.relative_to(root).as_posix()
                for p in base.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts
            )
    found.update(f for f in MANAGED_FILES if (root / f).is_file())
    return found


def differences(fresh: Path, committed: Path) -> Iterator[tuple[str, str]]:
    """(status, path) for every generated file that differs between the two trees."""
    new, old = managed_files(fresh), managed_files(committed)
    for path in sorted(new | old):
        if path not in old:
            yield "missing", path
        elif path not in new:
            yield "stale (no longer generated)", path
        elif not filecmp.cmp(fresh / path, committed / path, shallow=False):
            yield "stale", path


def remove_empty_parents(directory: Path) -> None:
    """Remove ``directory`` and its parents while they are empty, up to contracts/."""
    while directory != CONTRACTS and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if anything is stale"
    )
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ecbm-codegen-") as tmp:
        fresh = Path(tmp)
        generate(fresh)
        diffs = list(differences(fresh, CONTRACTS))
        if options.check:
            for status, path in diffs:
                sys.stderr.write(f"{status}: contracts/{path}\n")
            if diffs:
                sys.stderr.write("run: uv run python contracts/codegen.py\n")
            return 1 if diffs else 0
        for status, path in diffs:
            target = CONTRACTS / path
            if status == "missing" or status == "stale":
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(fresh / path, target)
                sys.stdout.write(f"wrote contracts/{path}\n")
            else:
                target.unlink()
                remove_empty_parents(target.parent)
                sys.stdout.write(f"removed contracts/{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
