"""deploy/prometheus: promtool accepts the config and rules, the rules' unit tests pass, every
rule has a severity and a runbook section, every process is scraped, and every metric a rule
uses is one the platform exports (a renamed metric would otherwise silence its alert).

promtool is Debian's (package ``prometheus``); ``./dev test`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_metrics import PROMETHEUS_OWN, THIRD_PARTY, exported_metric_names, metric_names

from ecbm_runtime.service import load_services
from ecbm_runtime.testing import free_port, wait_until, worker_healthy

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy/prometheus"
OPERATIONS = ROOT / "docs/operations.md"


def rules() -> list[dict[str, Any]]:
    document = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    path = shutil.which("promtool")
    assert path, "promtool is missing: ./dev test installs it (Debian package prometheus)"
    return subprocess.run([path, *args], cwd=PROMETHEUS, capture_output=True, text=True)


@pytest.mark.parametrize(
    "command",
    [
        ("check", "config", "prometheus.yml"),
        ("check", "rules", "alerts.yml"),
        ("test", "rules", "alerts.test.yml"),
    ],
    ids=" ".join,
)
def test_promtool_accepts(command: tuple[str, ...]) -> None:
    result = promtool(*command)

    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_fail_when_a_rule_is_broken(tmp_path: Path) -> None:
    """The unit tests pin behaviour: a lagging outbox alert at 10 minutes instead fails them."""
    broken = (PROMETHEUS / "alerts.yml").read_text().replace("> 60", "> 600")
    (tmp_path / "alerts.yml").write_text(broken)
    (tmp_path / "alerts.test.yml").write_text((PROMETHEUS / "alerts.test.yml").read_text())

    result = subprocess.run(
        [shutil.which("promtool") or "promtool", "test", "rules", "alerts.test.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "OutboxLagging" in result.stdout + result.stderr


def test_every_alert_has_a_severity_a_summary_and_a_runbook_section() -> None:
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in OPERATIONS.read_text().splitlines()
        if line.startswith("#")
    }
    for rule in rules():
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        runbook = rule["annotations"]["runbook_url"]
        assert runbook == f"docs/operations.md#{rule['alert'].lower()}"
        assert runbook.partition("#")[2] in anchors, f"no section {runbook} in docs/operations.md"


def test_the_alerts_the_operators_rely_on_exist() -> None:
    names = {rule["alert"] for rule in rules()}

    assert {
        "TargetDown", "GrpcErrorRatioHigh", "GrpcLatencyHigh", "OutboxLagging",
        "OutboxRelayStopped", "MessagesDeadLettered", "DeadLetterQueueNotEmpty", "SmtpBacklog",
        "PostgresDown",
    } <= names  # fmt: skip


def test_every_process_of_the_platform_is_scraped() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: {t for static in job["static_configs"] for t in static["targets"]}
        for job in config["scrape_configs"]
    }

    for definition in load_services().values():
        assert f"{definition.name}-api:{definition.metrics_port}" in targets["ecbm-api"]
        assert (
            f"{definition.name}-worker:{definition.worker_metrics_port}" in (targets["ecbm-worker"])
        )
    assert targets["rabbitmq"] == {"rabbitmq:15692"}
    assert targets["postgres"] == {"postgres-exporter:9187"}


def test_every_metric_in_a_rule_is_exported_by_the_platform() -> None:
    exported = exported_metric_names()
    used = {name for rule in rules() for name in metric_names(str(rule["expr"]))}

    assert {"ecbm_dead_lettered_total", "grpc_server_handled_total", "up"} <= used
    assert used - exported - PROMETHEUS_OWN - THIRD_PARTY == set()


def test_the_metric_name_check_sees_a_misspelt_name() -> None:
    used = metric_names('sum by (service) (rate(ecbm_dead_letered_total{service="x"}[5m])) > 0')

    assert used == {"ecbm_dead_letered_total"}
    assert "ecbm_dead_lettered_total" in exported_metric_names()


@pytest.mark.rabbitmq
def test_a_started_worker_exports_zero_valued_dead_letter_series(
    tmp_path: Path, isolated_amqp_url: str
) -> None:
    """So ``increase()`` sees the first dead letter after a start (MessagesDeadLettered)."""
    port = free_port()
    env = {
        **os.environ,
        "ECBM_MODE": "development",
        "ECBM_AMQP_URL": isolated_amqp_url,
        "ECBM_NOTIFY_DATABASE_URL": f"sqlite:///{tmp_path / 'notify.db'}",
        "ECBM_NOTIFY_WORKER_METRICS_PORT": str(port),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "ecbm_runtime.worker_main", "notify"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until(lambda: worker_healthy(port), timeout=120, message="notify worker healthy")
        scraped = _get(port, "/metrics") or ""
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    for reason in ("malformed", "max_deliveries"):
        assert f'ecbm_dead_lettered_total{{reason="{reason}",service="notify"}} 0.0' in scraped
    assert re.search(
        r'ecbm_events_consumed_total\{handler="notify\.[a-z_]+",outcome="dead_lettered",'
        r'service="notify"\} 0\.0',
        scraped,
    )


def _get(port: int, path: str) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as reply:
            return reply.read().decode() if reply.status == 200 else None
    except OSError:
        return None
