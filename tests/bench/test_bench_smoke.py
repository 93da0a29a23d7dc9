"""Each benchmark suite runs end to end at tiny scale and writes every figure.

Not speed tests: they assert that each figure exists and is a positive number, and that
the work measured was done, never how fast (the machine running tests is shared and noisy).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from ecbm_cli.bench import run_suite

pytestmark = [pytest.mark.postgres, pytest.mark.rabbitmq, pytest.mark.e2e]


def tiny_run(suite: str, tmp_path: Path, headline: tuple[str, ...]) -> dict[str, Any]:
    """The suite's JSON after a tiny run, checked for what every suite must write."""
    out = tmp_path / "results" / f"{suite}.json"
    run_suite(suite, out, scale="tiny")
    results: dict[str, Any] = json.loads(out.read_text())
    assert (results["suite"], results["scale"]) == (suite, "tiny")
    assert {key: results[key] for key in headline if not _positive(results[key])} == {}
    assert all(isinstance(target["pass"], bool) for target in results["targets"].values())
    assert results["machine"]["cpu_count"] > 0 and results["timestamp"]
    return results


def _positive(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


@pytest.mark.timeout(120)
def test_tiny_foundation_suite_writes_every_figure(tmp_path: Path) -> None:
    results = tiny_run("foundation", tmp_path, (
        "query_ratio", "command_ratio", "propagation_p50_ms", "propagation_p99_ms",
        "raw_roundtrip_p50_ms", "command_peer_per_second", "command_vs_peer",
        "replay_events_per_second", "replay_ratio",
    ))  # fmt: skip

    assert results["query"]["GetProgramme"]["per_second"] > 0
    assert results["query"]["echo"]["per_second"] > 0
    assert results["command"]["RegisterProgramme"]["per_second"] > 0
    assert results["command"]["insert_commit"]["per_second"] > 0
    assert results["propagation"]["samples"] > 0 and results["raw_roundtrip"]["samples"] > 0
    assert results["command"]["eventsourcing"]["per_second"] > 0
    assert results["replay"]["events"] == 2_000  # the tiny scale's store, every event replayed
    assert set(results["targets"]) >= {
        "query_ratio", "command_ratio", "command_vs_peer", "replay_events_per_second",
        "propagation_p99_ms",
    }  # fmt: skip


@pytest.mark.timeout(60)
def test_tiny_replay_suite_replays_every_event(tmp_path: Path) -> None:
    results = tiny_run("replay", tmp_path, ("replay_events_per_second", "replay_ratio"))

    assert results["replay"]["events"] == 2_000
    assert results["replay"]["replay_events_per_cpu_second"] > 0


@pytest.mark.timeout(180)
def test_tiny_registry_suite_imports_every_row_and_writes_every_figure(tmp_path: Path) -> None:
    results = tiny_run("registry", tmp_path, (
        "import_seconds", "import_rows_per_second", "import_to_copy",
        "search_two_facets_p95_ms", "search_to_sql_p95", "map_europe_p95_ms", "map_to_sql_p95",
    ))  # fmt: skip

    assert set(results["targets"]) == {
        "import_seconds", "search_two_facets_p95_ms", "map_europe_p95_ms",
    }  # fmt: skip
    assert results["import"]["rows"] == 200 and results["import"]["organisations_created"] > 0
    assert results["map"]["features"] > 0
    assert results["search"]["api"]["samples"] == results["map"]["api"]["samples"] == 10


@pytest.mark.timeout(300)
def test_tiny_notify_suite_sends_the_whole_campaign_and_writes_every_figure(
    tmp_path: Path,
) -> None:
    results = tiny_run("notify", tmp_path, (
        "messages_ratio", "newsletter_per_second", "smtplib_per_second", "peak_rss_mb",
        "sse_p50_ms", "sse_p95_ms",
    ))  # fmt: skip

    newsletter = results["newsletter"]
    assert newsletter["sent"] == newsletter["recipients"] == 200
    assert newsletter["failed"] == 0
    assert results["baseline"]["messages"] == 200
    assert results["sse"]["samples"] == 20
    assert set(results["targets"]) == {"messages_ratio", "peak_rss_mb", "sse_p95_ms"}
