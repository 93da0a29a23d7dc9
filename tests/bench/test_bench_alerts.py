"""The alerts suite runs at tiny scale and writes every figure (in process, SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecbm_cli.bench import run_suite

pytestmark = [pytest.mark.postgres]


@pytest.mark.timeout(120)
def test_tiny_alerts_suite_ingests_every_item_and_matches(tmp_path: Path) -> None:
    out = tmp_path / "alerts.json"
    run_suite("alerts", out, scale="tiny")
    results = json.loads(out.read_text())

    assert (results["suite"], results["scale"]) == ("alerts", "tiny")
    assert results["ingest"]["items"] == 400 and results["ingest"]["stored"] >= 395
    assert results["ingest_ratio"] > 0 and results["feedparser_s"] > 0
    assert results["match"]["searches"] == 200 and results["matches"] > 0
    assert results["ingest_postgresql"]["stored"] == results["ingest"]["stored"]
    assert results["ingest_postgresql"]["database"] == "postgresql"
    assert set(results["targets"]) == {"ingest_ratio", "ingest_ratio_postgresql", "match_s"}
