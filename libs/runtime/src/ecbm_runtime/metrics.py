"""Every Prometheus metric of the platform, defined once on the default registry.

gRPC metrics keep the names and labels of go-grpc-prometheus so stock dashboards work
(the handling histogram has no ``grpc_code`` label there, and none here). Importing this
module twice is harmless; defining a metric twice would raise, hence one module for all.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

_GRPC_LABELS = ("grpc_type", "grpc_service", "grpc_method")
# Loopback unary calls take ~0.5 ms, so the stock buckets (from 5 ms) would hide them.
_LATENCY_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip

grpc_server_started = Counter("grpc_server_started", "RPCs started on the server.", _GRPC_LABELS)
grpc_server_handled = Counter(
    "grpc_server_handled",
    "RPCs completed on the server, regardless of success or failure.",
    (*_GRPC_LABELS, "grpc_code"),
)
grpc_server_handling_seconds = Histogram(
    "grpc_server_handling_seconds",
    "Response latency of RPCs handled by the server.",
    _GRPC_LABELS,
    buckets=_LATENCY_BUCKETS,
)
grpc_server_msg_received = Counter(
    "grpc_server_msg_received", "Messages received by the server.", _GRPC_LABELS
)
grpc_server_msg_sent = Counter("grpc_server_msg_sent", "Messages sent by the server.", _GRPC_LABELS)

events_appended = Counter(
    "ecbm_events_appended", "Domain events appended to the event store.", ("service", "type")
)
events_published = Counter(
    "ecbm_events_published",
    "Integration events confirmed by the broker.",
    ("service", "type"),
)
events_consumed = Counter(
    "ecbm_events_consumed",
    "Events taken off the bus; outcome: handled|duplicate|failed|dead_lettered|ignored.",
    ("service", "handler", "outcome"),
)
outbox_pending = Gauge("ecbm_outbox_pending", "Outbox rows not yet published.", ("service",))
outbox_oldest_age_seconds = Gauge(
    "ecbm_outbox_oldest_age_seconds",
    "Age of the oldest unpublished outbox row (0 when none).",
    ("service",),
)
outbox_parked = Counter(
    "ecbm_outbox_parked",
    "Outbox rows parked after the broker refused them outbox_max_attempts times.",
    ("service",),
)
outbox_parked_rows = Gauge(
    "ecbm_outbox_parked_rows", "Outbox rows parked now (ecbm outbox list).", ("service",)
)
dead_lettered = Counter(
    "ecbm_dead_lettered", "Messages parked in a dead-letter queue.", ("service", "reason")
)
publish_seconds = Histogram(
    "ecbm_publish_seconds",
    "Time to publish one integration event, broker confirm included.",
    ("service",),
    buckets=_LATENCY_BUCKETS,
)
handler_seconds = Histogram(
    "ecbm_handler_seconds",
    "Time an event handler took, transaction included.",
    ("service", "handler"),
    buckets=_LATENCY_BUCKETS,
)

CONSUME_OUTCOMES = frozenset({"handled", "duplicate", "failed", "dead_lettered", "ignored"})
DEAD_LETTER_REASONS = ("malformed", "max_deliveries")


def precreate_consumer_series(service: str, handler: str) -> None:
    """Zero-valued series for what an event handler may count, created when it starts.

    A labelled counter's series is otherwise born at its first increment, already at 1, and
    ``increase()`` over a window that holds no earlier sample is empty: the first dead letter
    after a start would never fire ``MessagesDeadLettered`` (deploy/prometheus/alerts.yml).
    """
    for outcome in CONSUME_OUTCOMES:
        events_consumed.labels(service, handler, outcome)
    for reason in DEAD_LETTER_REASONS:
        dead_lettered.labels(service, reason)


def start_metrics_server(port: int, host: str = "127.0.0.1") -> int:
    """Serve ``/metrics`` from a daemon thread; returns the bound port (0: any free one)."""
    server, _thread = start_http_server(port, addr=host)
    return int(server.server_port)
