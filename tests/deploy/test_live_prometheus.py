"""A real Prometheus (Debian's) scraping a real api and worker: targets up, every alert rule
evaluates without error against live data, every dashboard query is accepted.

notify's processes stand for the platform here (they export the most metrics); the rules
and dashboards are the files operators deploy, unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecbm_runtime.testing import free_port, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.rabbitmq]
ROOT = Path(__file__).resolve().parents[2]


def _get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:
            body = reply.read().decode()
            return json.loads(body) if body.startswith("{") else body
    except OSError:
        return None


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.popen = subprocess.Popen(
            args, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


@pytest.fixture
def notify_processes(tmp_path: Path, isolated_amqp_url: str) -> Iterator[dict[str, int]]:
    ports = {name: free_port() for name in ("grpc", "metrics", "worker_metrics", "http")}
    env = {
        **os.environ,
        "ECBM_MODE": "development",
        "ECBM_AMQP_URL": isolated_amqp_url,
        "ECBM_NOTIFY_DATABASE_URL": f"sqlite:///{tmp_path / 'notify.db'}",
        "ECBM_NOTIFY_GRPC_PORT": str(ports["grpc"]),
        "ECBM_NOTIFY_METRICS_PORT": str(ports["metrics"]),
        "ECBM_NOTIFY_WORKER_METRICS_PORT": str(ports["worker_metrics"]),
        "ECBM_NOTIFY_HTTP_PORT": str(ports["http"]),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    ecbm = [sys.executable, "-m", "ecbm_cli.main"]
    started: list[Process] = []
    try:
        started.append(Process([*ecbm, "run", "notify", "api"], env, tmp_path / "api.log"))
        wait_until(
            lambda: subprocess.run(
                [*ecbm, "health", "notify", "--target", f"127.0.0.1:{ports['grpc']}"],
                env=env, capture_output=True,
            ).returncode == 0,
            timeout=120, interval=1, message="notify api SERVING",
        )  # fmt: skip
        started.append(Process([*ecbm, "run", "notify", "worker"], env, tmp_path / "worker.log"))
        wait_until(
            lambda: _get(f"http://127.0.0.1:{ports['worker_metrics']}/healthz"),
            timeout=120, interval=0.5, message="notify worker healthy",
        )  # fmt: skip
        yield ports
    finally:
        for process in reversed(started):
            process.stop()


@pytest.fixture
def prometheus(tmp_path: Path, notify_processes: dict[str, int]) -> Iterator[str]:
    binary = shutil.which("prometheus")
    assert binary, "prometheus is missing: ./dev test installs it (Debian package prometheus)"
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ROOT / "deploy/prometheus/alerts.yml")],
        "scrape_configs": [
            {"job_name": "ecbm-api",
             "static_configs": [{"targets": [f"127.0.0.1:{notify_processes['metrics']}"]}]},
            {"job_name": "ecbm-worker",
             "static_configs": [{"targets": [f"127.0.0.1:{notify_processes['worker_metrics']}"]}]},
        ],
    }  # fmt: skip
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    server = Process(
        [
            binary,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        dict(os.environ),
        tmp_path / "prometheus.log",
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _get(f"{url}/-/ready"), timeout=60, interval=0.5, message="ready")
        yield url
    finally:
        server.stop()


def query(url: str, expr: str) -> dict[str, Any]:
    reply: dict[str, Any] = _get(f"{url}/api/v1/query?{urllib.parse.urlencode({'query': expr})}")
    return reply


def test_every_rule_evaluates_and_every_dashboard_query_runs_against_live_processes(
    prometheus: str,
) -> None:
    def targets_up() -> bool:
        active = _get(f"{prometheus}/api/v1/targets")["data"]["activeTargets"]
        return len(active) == 2 and all(t["health"] == "up" for t in active)

    wait_until(targets_up, timeout=60, interval=0.5, message="both targets up")

    def rules_evaluated() -> list[dict[str, Any]] | None:
        groups = _get(f"{prometheus}/api/v1/rules")["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        done = all(rule["lastEvaluation"] > "2000" for rule in rules)
        return rules if rules and done else None

    rules = wait_until(rules_evaluated, timeout=60, interval=0.5, message="rules evaluated")
    assert {rule["name"]: rule["health"] for rule in rules} == {
        rule["name"]: "ok" for rule in rules
    }, [rule.get("lastError") for rule in rules]
    # The first dead letter after a start is an increase: the series exist at 0 already.
    dead_letters = query(prometheus, 'ecbm_dead_lettered_total{service="notify"}')
    assert {s["metric"]["reason"] for s in dead_letters["data"]["result"]} == {
        "malformed",
        "max_deliveries",
    }
    assert all(s["value"][1] == "0" for s in dead_letters["data"]["result"])
    for path in sorted((ROOT / "deploy/grafana/dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                expr = (
                    target["expr"].replace("$__rate_interval", "1m").replace("$__range", "1h")
                    .replace("$service", ".*").replace("$method", ".*")
                )  # fmt: skip
                assert query(prometheus, expr)["status"] == "success", (path.name, expr)
