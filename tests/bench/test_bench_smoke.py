"""The benchmark suite runs end to end at tiny scale and writes every figure.

Not a speed test: it asserts that each figure exists and is a positive number, never
how big it is (the machine running tests is shared and noisy).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ecbm_cli.bench import run_suite

pytestmark = [pytest.mark.postgres, pytest.mark.rabbitmq, pytest.mark.e2e]

HEADLINE = (
    "query_ratio",
    "command_ratio",
    "propagation_p50_ms",
    "propagation_p99_ms",
    "raw_roundtrip_p50_ms",
)


def _positive(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


@pytest.mark.timeout(120)
def test_tiny_foundation_suite_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results" / "foundation.json"

    run_suite("foundation", out, scale="tiny")

    results = json.loads(out.read_text())
    assert {key: results[key] for key in HEADLINE if not _positive(results[key])} == {}
    assert results["query"]["GetProgramme"]["per_second"] > 0
    assert results["query"]["echo"]["per_second"] > 0
    assert results["command"]["RegisterProgramme"]["per_second"] > 0
    assert results["command"]["insert_commit"]["per_second"] > 0
    assert results["propagation"]["samples"] > 0
    assert results["raw_roundtrip"]["samples"] > 0
    assert results["machine"]["cpu_count"] > 0
    assert results["timestamp"]
    assert set(results["targets"]) >= {"query_ratio", "command_ratio", "propagation_p99_ms"}
    assert all(isinstance(target["pass"], bool) for target in results["targets"].values())
