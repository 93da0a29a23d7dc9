"""The matching suite runs at tiny scale, writes every figure, and never breaks a rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecbm_cli.bench import run_suite


@pytest.mark.timeout(120)
def test_tiny_matching_suite_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "matching.json"
    run_suite("matching", out, scale="tiny")
    results = json.loads(out.read_text())

    assert (results["suite"], results["scale"]) == ("matching", "tiny")
    assert results["topk_p95_ms"] > 0 and results["topk_baseline_p95_ms"] > 0
    assert results["assign_total"] >= results["greedy_total"] > 0
    assert results["assign"]["over_capacity"] == 0
    assert 0 < results["schedule_placed"] <= results["schedule_bound"]
    assert results["schedule"]["schedule_problems"] == 0
