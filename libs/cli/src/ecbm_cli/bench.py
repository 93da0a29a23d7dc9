"""``ecbm bench <suite>``: run a benchmark suite, write its figures as JSON, print a table.

``ECBM_BENCH_SCALE=tiny`` (or ``scale="tiny"``) runs the same code in seconds, for the
smoke test; the figures it prints then mean nothing.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecbm_cli.benchmarks import foundation

SUITES = ("foundation",)
# Key -> (limit, test, reading): the speed targets of the foundation issue.
TARGETS: dict[str, tuple[float, Callable[[float, float], bool], str]] = {
    "query_ratio": (0.5, lambda value, limit: value >= limit, ">= 0.5"),
    "command_ratio": (0.4, lambda value, limit: value >= limit, ">= 0.4"),
    "propagation_p99_ms": (50.0, lambda value, limit: value < limit, "< 50 ms"),
    "propagation_p50_to_raw_p50": (10.0, lambda value, limit: value <= limit, "<= 10x"),
}


def run_suite(suite: str, json_file: Path, scale: str | None = None) -> None:
    """Run ``suite`` at ``scale`` (default ``$ECBM_BENCH_SCALE`` or ``full``) into ``json_file``."""
    if suite not in SUITES:
        raise SystemExit(f"unknown suite {suite!r}; known: {', '.join(SUITES)}")
    scale_name = scale or os.environ.get("ECBM_BENCH_SCALE", "full")
    if scale_name not in foundation.SCALES:
        raise SystemExit(f"unknown scale {scale_name!r}; known: {', '.join(foundation.SCALES)}")
    started, stamp = time.monotonic(), datetime.now(UTC)
    load_before = os.getloadavg()
    with _stop_on_sigterm():
        measured = foundation.run(foundation.SCALES[scale_name])
    results = summarise(measured, suite, scale_name)
    results |= {
        "timestamp": stamp.isoformat(timespec="seconds"),
        "duration_seconds": round(time.monotonic() - started, 1),
        "machine": machine(load_before),
    }
    json_file.parent.mkdir(parents=True, exist_ok=True)
    json_file.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"written to {json_file}")


def summarise(measured: dict[str, Any], suite: str, scale: str) -> dict[str, Any]:
    """The headline keys first, then ``targets``, then every number behind them."""
    query, command = measured["query"], measured["command"]
    propagation, raw = measured["propagation"], measured["raw_roundtrip"]
    headline = {
        "query_ratio": query["ratio"],
        "command_ratio": command["ratio"],
        "propagation_p50_ms": propagation["p50_ms"],
        "propagation_p99_ms": propagation["p99_ms"],
        "raw_roundtrip_p50_ms": raw["p50_ms"],
    }
    multiple = round(propagation["p50_ms"] / raw["p50_ms"], 2) if raw["p50_ms"] > 0 else 0.0
    checked = {**headline, "propagation_p50_to_raw_p50": multiple}
    targets = {
        key: {"value": checked[key], "target": reading, "pass": test(checked[key], limit)}
        for key, (limit, test, reading) in TARGETS.items()
    }
    return {"suite": suite, "scale": scale, **headline, "targets": targets, **measured}


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


def table(results: dict[str, Any]) -> str:
    query, command = results["query"], results["command"]
    propagation, raw = results["propagation"], results["raw_roundtrip"]
    rows = [
        (
            "query_ratio",
            results["query_ratio"],
            f"GetProgramme {query['GetProgramme']['per_second']:,.0f}/s vs echo "
            f"{query['echo']['per_second']:,.0f}/s",
        ),
        (
            "command_ratio",
            results["command_ratio"],
            f"RegisterProgramme {command['RegisterProgramme']['per_second']:,.0f}/s vs "
            f"INSERT+COMMIT {command['insert_commit']['per_second']:,.0f}/s "
            f"({command['insert_commit']['threads']} threads each)",
        ),
        ("propagation_p50_ms", results["propagation_p50_ms"], f"{propagation['samples']} events"),
        ("propagation_p99_ms", results["propagation_p99_ms"], f"max {propagation['max_ms']} ms"),
        ("raw_roundtrip_p50_ms", results["raw_roundtrip_p50_ms"], f"{raw['samples']} messages"),
    ]
    lines = [f"foundation ({results['scale']}, {results['machine']['cpu_count']} CPUs)"]
    lines += [f"  {key:<22} {value:>10.3f}  {note}" for key, value, note in rows]
    lines.append("  targets:")
    lines += [
        f"    {key:<28} {t['value']:>10.3f}  {t['target']:<8} {'PASS' if t['pass'] else 'FAIL'}"
        for key, t in results["targets"].items()
    ]
    return "\n".join(lines)


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
    run_suite(
        sys.argv[1] if len(sys.argv) > 1 else "foundation", Path("bench-results/foundation.json")
    )
