"""The notify benchmark suite runs end to end at tiny scale and writes every figure.

Not a speed test: it asserts that each figure exists and is a positive number, never how
big it is (the machine running tests is shared and noisy).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ecbm_cli.bench import run_suite

pytestmark = [pytest.mark.postgres, pytest.mark.rabbitmq, pytest.mark.e2e]

HEADLINE = (
    "messages_ratio",
    "newsletter_per_second",
    "smtplib_per_second",
    "peak_rss_mb",
    "sse_p50_ms",
    "sse_p95_ms",
)


def _positive(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


@pytest.mark.timeout(300)
def test_tiny_notify_suite_sends_the_whole_campaign_and_writes_every_figure(
    tmp_path: Path,
) -> None:
    out = tmp_path / "results" / "notify.json"

    run_suite("notify", out, scale="tiny")

    results = json.loads(out.read_text())
    assert {key: results[key] for key in HEADLINE if not _positive(results[key])} == {}
    newsletter = results["newsletter"]
    assert newsletter["sent"] == newsletter["recipients"] == 200
    assert newsletter["failed"] == 0
    assert results["baseline"]["messages"] == 200
    assert results["sse"]["samples"] == 20
    assert set(results["targets"]) == {"messages_ratio", "peak_rss_mb", "sse_p95_ms"}
    assert all(isinstance(target["pass"], bool) for target in results["targets"].values())
