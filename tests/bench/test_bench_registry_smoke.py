"""The registry benchmark suite runs end to end at tiny scale and writes every figure.

Not a speed test: it asserts each figure exists and is a positive number, and that the
import created and re-found every row, never how fast (the test machine is shared).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ecbm_cli.bench import run_suite

pytestmark = [pytest.mark.postgres, pytest.mark.rabbitmq, pytest.mark.e2e]

HEADLINE = (
    "import_seconds",
    "import_rows_per_second",
    "import_to_copy",
    "search_two_facets_p95_ms",
    "search_to_sql_p95",
    "map_europe_p95_ms",
    "map_to_sql_p95",
)


def _positive(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


@pytest.mark.timeout(180)
def test_tiny_registry_suite_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results" / "registry.json"

    run_suite("registry", out, scale="tiny")

    results = json.loads(out.read_text())
    assert results["suite"] == "registry" and results["scale"] == "tiny"
    assert all(_positive(results[key]) for key in HEADLINE), {k: results[k] for k in HEADLINE}
    assert set(results["targets"]) == {
        "import_seconds", "search_two_facets_p95_ms", "map_europe_p95_ms",
    }  # fmt: skip
    assert results["import"]["rows"] == 200 and results["import"]["organisations_created"] > 0
    assert results["map"]["features"] > 0
    assert results["search"]["api"]["samples"] == results["map"]["api"]["samples"] == 10
