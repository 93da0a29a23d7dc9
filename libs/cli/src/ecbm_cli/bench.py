"""``ecbm bench <suite>``: run a benchmark suite, write its figures as JSON, print a table.

``ECBM_BENCH_SCALE=tiny`` (or ``scale="tiny"``) runs the same code in seconds, for the
smoke test; the figures it prints then mean nothing. What a suite provides is in
``ecbm_runtime.bench``.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, cast

from ecbm_runtime.bench import Suite, Target

# The CLI's own suites; every other one is a service's, named in its ``ecbm.benchmarks`` entry
# point, so the command never imports a service.
BUILT_IN = ("foundation", "replay", "events", "quality")
ENTRY_POINT_GROUP = "ecbm.benchmarks"


def suite_names() -> list[str]:
    """The CLI's suites, then the installed services' in entry-point order."""
    contributed = [entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)]
    return [*BUILT_IN, *(name for name in contributed if name not in BUILT_IN)]


def load_suite(name: str) -> Suite:
    if name in BUILT_IN:
        return cast(Suite, importlib.import_module(f"ecbm_cli.benchmarks.{name}"))
    for entry in entry_points(group=ENTRY_POINT_GROUP, name=name):
        return cast(Suite, entry.load())
    raise SystemExit(f"unknown suite {name!r}; known: {', '.join(suite_names())}")


def run_suite(suite: str, json_file: Path, scale: str | None = None) -> None:
    """Run ``suite`` at ``scale`` (default ``$ECBM_BENCH_SCALE`` or ``full``) into ``json_file``."""
    module = load_suite(suite)
    scale_name = scale or os.environ.get("ECBM_BENCH_SCALE", "full")
    if scale_name not in module.SCALES:
        raise SystemExit(f"unknown scale {scale_name!r}; known: {', '.join(module.SCALES)}")
    started, stamp = time.monotonic(), datetime.now(UTC)
    load_before = os.getloadavg()
    with _stop_on_sigterm():
        measured = module.run(module.SCALES[scale_name])
    headline = module.headline(measured)
    results = {
        "suite": suite,
        "scale": scale_name,
        **headline,
        "targets": verdicts(module.TARGETS, headline),
        **measured,
        "timestamp": stamp.isoformat(timespec="seconds"),
        "duration_seconds": round(time.monotonic() - started, 1),
        "machine": machine(load_before),
    }
    json_file.parent.mkdir(parents=True, exist_ok=True)
    json_file.write_text(json.dumps(results, indent=2) + "\n")
    print(module.table(results))
    print(targets_table(results["targets"]))
    print(f"written to {json_file}")


def verdicts(targets: dict[str, Target], figures: dict[str, float]) -> dict[str, Any]:
    return {
        key: {"value": value, "target": target.reading(), "pass": target.met_by(value)}
        for key, target in targets.items()
        for value in [figures[key]]
    }


def targets_table(targets: dict[str, Any]) -> str:
    lines = ["  targets:"]
    lines += [
        f"    {key:<28} {t['value']:>10.3f}  {t['target']:<10} {'PASS' if t['pass'] else 'FAIL'}"
        for key, t in targets.items()
    ]
    return "\n".join(lines)


def machine(load_before: tuple[float, float, float]) -> dict[str, Any]:
    import grpc

    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "grpcio": grpc.__version__,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into SystemExit, so the suite's cleanup runs when it is killed politely."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "foundation"
    run_suite(name, Path(f"bench-results/{name}.json"))
