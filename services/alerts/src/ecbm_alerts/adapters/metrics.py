"""Prometheus metrics of the alerts service: polls and health per source, items collected."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

polls = Counter(
    "ecbm_alerts_source_polls", "Source polls by source and outcome (ok, failed).",
    ("source", "outcome"),
)  # fmt: skip
healthy = Gauge(
    "ecbm_alerts_source_healthy", "1 while a source's last poll succeeded, 0 when degraded.",
    ("source",),
)  # fmt: skip
collected = Counter("ecbm_alerts_items_collected", "New items collected, by source.", ("source",))


def polled(source_id: str, error: str, new_items: int) -> None:
    polls.labels(source_id, "failed" if error else "ok").inc()
    healthy.labels(source_id).set(0 if error else 1)
    if new_items:
        collected.labels(source_id).inc(new_items)
