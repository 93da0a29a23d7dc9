"""`ecbm up` plus a real Prometheus (Debian's) scraping every process of the platform: every
target up, every alert rule evaluates without error against live data, every dashboard query
returns data.

The scrape configuration, the rules and the dashboards are the files operators deploy;
only the targets are this run's ports (deploy/prometheus/prometheus.yml names the Compose
hosts). RabbitMQ's and PostgreSQL's exporters are not part of `ecbm up`: their jobs are left
out, and queries of their metrics only have to run (tests/deploy/test_prometheus.py checks
their names and promtool unit-tests the rules that use them).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from deploy_metrics import THIRD_PARTY, metric_names

from ecbm_runtime.service import load_services
from ecbm_runtime.testing import free_port, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.rabbitmq]
ROOT = Path(__file__).resolve().parents[2]
PROCESS_JOBS = {"ecbm-api": "api", "ecbm-worker": "worker"}


def _get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:
            body = reply.read().decode()
            return json.loads(body) if body.startswith("{") else body
    except OSError:
        return None


@dataclass
class Platform:
    """`ecbm up` running every service; where each process serves its metrics."""

    grpc: dict[str, str]  # service -> gRPC target
    metrics: dict[tuple[str, str], int]  # (service, "api" | "worker") -> metrics port


@pytest.fixture
def platform(tmp_path: Path, isolated_amqp_url: str) -> Iterator[Platform]:
    env = {
        **os.environ,
        "ECBM_MODE": "development",
        "ECBM_VAR_DIR": str(tmp_path / "var"),
        "ECBM_AMQP_URL": isolated_amqp_url,
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    grpc_targets, metrics = {}, {}
    for name, definition in sorted(load_services().items()):
        # Every port a service has (gRPC, metrics, HTTP servers, notify's SMTP that up's own
        # mail sink serves) one of this test's own, never a default another test may hold.
        fields = definition.settings_class.model_fields
        ports = {field: free_port() for field in fields if field.endswith("_port")}
        prefix = str(definition.settings_class.model_config.get("env_prefix"))
        env.update({prefix + field.upper(): str(port) for field, port in ports.items()})
        grpc_targets[name] = f"127.0.0.1:{ports['grpc_port']}"
        metrics[name, "api"], metrics[name, "worker"] = (
            ports["metrics_port"],
            ports["worker_metrics_port"],
        )
    with (tmp_path / "up.log").open("wb") as log:
        up = subprocess.Popen(
            [sys.executable, "-m", "ecbm_cli.main", "up"], env=env, stdout=log, stderr=log
        )
    try:
        yield Platform(grpc_targets, metrics)
    finally:
        up.send_signal(signal.SIGTERM)
        try:
            up.wait(60)
        except subprocess.TimeoutExpired:
            up.kill()
            up.wait()


def scrape_config(platform: Platform, prometheus_port: int) -> dict[str, Any]:
    """deploy/prometheus/prometheus.yml with this run's targets, and every process in it."""
    deployed = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    jobs = []
    for job in deployed["scrape_configs"]:
        if job["job_name"] in PROCESS_JOBS:
            kind = PROCESS_JOBS[job["job_name"]]
            hosts = [target.split(":")[0] for c in job["static_configs"] for target in c["targets"]]
            assert sorted(hosts) == sorted(f"{s}-{k}" for s, k in platform.metrics if k == kind), (
                hosts
            )
            targets = [
                f"127.0.0.1:{platform.metrics[h.removesuffix('-' + kind), kind]}" for h in hosts
            ]
            jobs.append({**job, "static_configs": [{"targets": targets}]})
        elif job["job_name"] == "prometheus":
            jobs.append({**job, "static_configs": [{"targets": [f"127.0.0.1:{prometheus_port}"]}]})
    return {
        **deployed,
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ROOT / "deploy/prometheus" / name) for name in deployed["rule_files"]],
        "scrape_configs": jobs,
    }


@pytest.fixture
def prometheus(tmp_path: Path, platform: Platform) -> Iterator[str]:
    binary = shutil.which("prometheus")
    assert binary, "prometheus is missing: ./dev test installs it (Debian package prometheus)"
    port = free_port()
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(scrape_config(platform, port)))
    with (tmp_path / "prometheus.log").open("wb") as log:
        server = subprocess.Popen(
            [
                binary,
                f"--config.file={tmp_path / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _get(f"{url}/-/ready"), timeout=60, interval=0.5, message="ready")
        yield url
    finally:
        server.terminate()
        server.wait(30)


def query(url: str, expr: str) -> dict[str, Any]:
    reply: dict[str, Any] = _get(f"{url}/api/v1/query?{urllib.parse.urlencode({'query': expr})}")
    return reply


def dashboard_queries() -> list[tuple[str, str]]:
    """(dashboard, PromQL) of every panel, Grafana's variables as a dashboard fills them."""
    found = []
    for path in sorted((ROOT / "deploy/grafana/dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                expr = (
                    target["expr"].replace("$__rate_interval", "1m").replace("$__range", "1h")
                    .replace("$service", ".*").replace("$method", ".*")
                )  # fmt: skip
                found.append((path.name, expr))
    return found


def use_the_platform(platform: Platform) -> None:
    """A little of what the demo does, through the apis: commands, events, mail."""
    from ecbm_cli.main import _admin_token
    from ecbm_events.entrypoints.demo import seed_on as seed_events
    from ecbm_registry.entrypoints import demo_people
    from ecbm_registry.entrypoints.demo import seed_programmes

    token = _admin_token()
    with grpc.insecure_channel(platform.grpc["registry"]) as channel:
        for _reply in seed_programmes(channel, token, programmes=3):
            pass
        demo_people.seed(channel, token, people=4)  # the fourth is an approved member
    with grpc.insecure_channel(platform.grpc["events"]) as channel:
        seed_events(channel, token)


def test_every_process_of_ecbm_up_is_scraped_every_rule_evaluates_and_dashboards_have_data(
    platform: Platform, prometheus: str
) -> None:
    def targets_up() -> list[dict[str, Any]] | None:
        active = _get(f"{prometheus}/api/v1/targets")["data"]["activeTargets"]
        return active if all(t["health"] == "up" for t in active) else None

    active = wait_until(targets_up, timeout=90, interval=0.5, message="every target up")
    assert len(active) == len(platform.metrics) + 1  # and Prometheus itself
    use_the_platform(platform)

    def rules_evaluated() -> list[dict[str, Any]] | None:
        groups = _get(f"{prometheus}/api/v1/rules")["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        done = all(rule["lastEvaluation"] > "2000" for rule in rules)
        return rules if rules and done else None

    rules = wait_until(rules_evaluated, timeout=30, interval=0.5, message="rules evaluated")
    assert {rule["name"]: rule["health"] for rule in rules} == {
        rule["name"]: "ok" for rule in rules
    }, [rule.get("lastError") for rule in rules]
    # The first dead letter after a start is an increase: the series exist at 0 already.
    dead_letters = query(prometheus, "ecbm_dead_lettered_total")["data"]["result"]
    assert {(s["metric"]["service"], s["metric"]["reason"]) for s in dead_letters} >= {
        ("notify", "malformed"),
        ("notify", "max_deliveries"),
    }
    assert all(s["value"][1] == "0" for s in dead_letters)

    ours = [(name, expr) for name, expr in dashboard_queries() if metric_names(expr) - THIRD_PARTY]

    def without_data() -> list[tuple[str, str]]:
        return [
            (name, expr) for name, expr in ours if not query(prometheus, expr)["data"]["result"]
        ]

    try:
        wait_until(lambda: not without_data(), timeout=30, interval=1)
    except AssertionError:
        missing = without_data()
        assert not missing, missing
    for name, expr in dashboard_queries():
        assert query(prometheus, expr)["status"] == "success", (name, expr)
