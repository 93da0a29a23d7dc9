"""deploy/grafana: the provisioned data source and dashboards fit together and with Compose,
and every metric a dashboard queries is one the platform exports (a renamed metric would
otherwise leave a panel silently empty)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_metrics import PROMETHEUS_OWN, THIRD_PARTY, exported_metric_names, metric_names

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy/grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))


def queries(dashboard: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, PromQL) of every panel target and query variable."""
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            yield f"{dashboard['uid']} panel {panel['title']!r}", target["expr"]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            # label_values(metric{...}, label): the metric is the first argument.
            query = variable["query"]["query"]
            inner = query.removeprefix("label_values(").rpartition(",")[0]
            yield f"{dashboard['uid']} variable {variable['name']}", inner


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def test_the_red_and_bus_dashboards_are_provisioned() -> None:
    assert {load(path)["uid"] for path in DASHBOARDS} >= {"ecbm-red", "ecbm-bus", "ecbm-business"}
    provider = yaml.safe_load((GRAFANA / "provisioning/dashboards/ecbm.yml").read_text())
    path = provider["providers"][0]["options"]["path"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert f"./deploy/grafana/dashboards:{path}:ro" in compose["services"]["grafana"]["volumes"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_panel_queries_the_provisioned_data_source(path: Path) -> None:
    datasources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    uid = datasources["datasources"][0]["uid"]
    dashboard = load(path)

    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], panel["title"]
        assert all(target["datasource"]["uid"] == uid for target in panel["targets"])


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_metric_in_a_dashboard_is_exported_by_the_platform(path: Path) -> None:
    exported = exported_metric_names()

    unknown = {
        (where, name)
        for where, expr in queries(load(path))
        for name in metric_names(expr)
        if name not in exported | PROMETHEUS_OWN | THIRD_PARTY
    }

    assert unknown == set()


def test_the_red_dashboard_covers_rate_errors_and_duration_per_method() -> None:
    dashboard = load(GRAFANA / "dashboards/ecbm-red.json")
    used = {name for _where, expr in queries(dashboard) for name in metric_names(expr)}
    groupings = " ".join(expr for _where, expr in queries(dashboard))

    assert {"grpc_server_handled_total", "grpc_server_handling_seconds_bucket"} <= used
    assert "by (grpc_service, grpc_method" in groupings


def test_the_bus_dashboard_covers_published_consumed_dead_letters_and_outbox_lag() -> None:
    dashboard = load(GRAFANA / "dashboards/ecbm-bus.json")
    used = {name for _where, expr in queries(dashboard) for name in metric_names(expr)}

    assert {
        "ecbm_events_published_total",
        "ecbm_events_consumed_total",
        "ecbm_dead_lettered_total",
        "rabbitmq_queue_messages_ready",
        "ecbm_outbox_oldest_age_seconds",
    } <= used


def test_every_dashboard_query_is_valid_promql(tmp_path: Path) -> None:
    """promtool parses each query as a recording rule (Grafana's variables filled in)."""
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: ./dev test installs it (Debian package prometheus)"
    rules = [
        {"record": f"ecbm:dashboard_query_{index}", "expr": _filled(expr)}
        for index, (_where, expr) in enumerate(
            query for path in DASHBOARDS for query in queries(load(path)) if "panel" in query[0]
        )
    ]
    (tmp_path / "queries.yml").write_text(
        yaml.safe_dump({"groups": [{"name": "q", "rules": rules}]})
    )

    result = subprocess.run(
        [promtool, "check", "rules", "queries.yml"], cwd=tmp_path, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(rules)} rules found" in result.stdout


def _filled(expr: str) -> str:
    expr = expr.replace("$__range", "1d")
    return expr.replace("$__rate_interval", "5m").replace("$service", ".*").replace("$method", ".*")


def test_the_business_dashboard_counts_domain_events_that_exist() -> None:
    """Its panels filter on event class names: each must be a domain event of the registry."""
    import re

    from ecbm_registry.domain import membership, organisation, person, programme
    from ecbm_runtime.aggregate import DomainEvent

    assert membership and organisation and person and programme  # their events subclass it

    dashboard = load(GRAFANA / "dashboards/ecbm-business.json")
    named_types = {
        match
        for _where, expr in queries(dashboard)
        for match in re.findall(r'type="([A-Za-z]+)"', expr)
    }
    known = {cls.__name__ for cls in _subclasses(DomainEvent)}

    assert named_types and named_types <= known


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found)) if found else found
