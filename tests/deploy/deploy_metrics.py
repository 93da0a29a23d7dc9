"""What the platform's processes export, and what PromQL in rules and dashboards asks for."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys

# Names Prometheus makes itself, and those of RabbitMQ's plugin (per-object metrics, see
# deploy/rabbitmq/rabbitmq.conf) and postgres_exporter: not exported by a process of ours,
# so not checked here; keep this list to names those projects document.
PROMETHEUS_OWN = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped"})
THIRD_PARTY = frozenset({"rabbitmq_queue_messages_ready", "rabbitmq_queue_messages", "pg_up"})

# Functions and aggregations are followed by "(": only keywords remain to leave out.
_KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "inf", "nan", "e"})

# Every module of the platform's packages, imported in a child process (some modules patch
# the interpreter when imported, e.g. eventlet's monkey-patching in worker_main), skipping
# the process entry points; prints every sample name the default registry would expose.
_COLLECT = r"""
import importlib, json, pkgutil, sys
from importlib.metadata import entry_points
from prometheus_client import REGISTRY
packages = ["ecbm_runtime"] + sorted(
    {e.value.split(":")[0].split(".")[0] for e in entry_points(group="ecbm.services")}
)
for package in packages:
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, package + "."):
        if module.name.endswith(("_main", "__main__")) or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)
names = {
    name
    for family in REGISTRY.collect()
    for name in [family.name] + [family.name + s for s in {
        "counter": ["_total", "_created"], "histogram": ["_bucket", "_sum", "_count", "_created"],
        "summary": ["_sum", "_count", "_created"], "gauge": [], "info": ["_info"],
    }.get(family.type, [])]
}
json.dump(sorted(names), sys.stdout)
"""


@functools.cache
def exported_metric_names() -> frozenset[str]:
    """Every sample name the platform's processes can expose on /metrics."""
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _COLLECT],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return frozenset(json.loads(result.stdout))


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (label matchers and groupings removed)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings (regexes in matchers)
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range selectors
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\$\w+", "", expr)  # Grafana variables ($__rate_interval, $service)
    identifiers = set(re.findall(r"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w.]*\s*\()", expr))
    return identifiers - _KEYWORDS
