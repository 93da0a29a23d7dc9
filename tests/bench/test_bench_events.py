"""The events suite runs end to end at tiny scale and writes every figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecbm_cli.bench import run_suite

pytestmark = [pytest.mark.postgres, pytest.mark.rabbitmq, pytest.mark.e2e]


@pytest.mark.timeout(120)
def test_tiny_events_suite_registers_and_never_overbooks(tmp_path: Path) -> None:
    out = tmp_path / "events.json"
    run_suite("events", out, scale="tiny")
    results = json.loads(out.read_text())

    assert (results["suite"], results["scale"]) == ("events", "tiny")
    assert results["registrations_per_second"] > 0 and results["insert_commit_per_second"] > 0
    assert results["register_ratio"] > 0
    assert results["echo_per_second"] > 0 and 0 < results["register_vs_echo"] < 1
    assert results["overbooked"] == 0
    capacity = results["capacity"]
    assert capacity["confirmed"] == capacity["places"] and capacity["waitlisted"] > 0
