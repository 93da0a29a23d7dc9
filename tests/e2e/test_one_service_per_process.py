"""A service's processes load only that service: no other service's metrics in its /metrics."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from platform_processes import ServiceProcesses

pytestmark = pytest.mark.e2e


def _metrics(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        return str(reply.read().decode())


def test_the_registry_api_and_worker_export_no_metric_of_notify(
    tmp_path: Path, isolated_amqp_url: str
) -> None:
    env = {
        "ECBM_AMQP_URL": isolated_amqp_url,
        "ECBM_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}",
    }
    registry = ServiceProcesses("registry", env, tmp_path)
    try:
        registry.start("api")
        registry.start("worker")
        api, worker = _metrics(registry.metrics_port), _metrics(registry.worker_metrics_port)
    finally:
        registry.stop()

    assert "ecbm_registry_import_rows_total" in api  # the registry's own are there
    for exported in (api, worker):
        assert "ecbm_notify_" not in exported
        assert "ecbm_newsletter_" not in exported
