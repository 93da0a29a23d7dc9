"""Notify's own metrics (defined once, here): e-mail deliveries and unknown events."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

deliveries = Counter(
    "ecbm_notify_deliveries",
    "E-mail deliveries reaching a status (sent, failed, retrying, given_up).",
    ("channel", "status"),
)
# At 0 from the start, so rate() and the dashboards see the first e-mail (as dead letters).
for _status in ("sent", "failed", "retrying", "given_up"):
    deliveries.labels("email", _status)
send_seconds = Histogram(
    "ecbm_notify_send_seconds",
    "Time to hand one e-mail to the SMTP server.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
unknown_events = Counter(
    "ecbm_notify_unknown_events",
    "Integration events notify has no catalogue entry for (ignored).",
    ("source", "type"),
)
pending = Gauge(
    "ecbm_notify_deliveries_pending",
    "E-mail deliveries waiting to be sent (queued, retrying or being sent).",
)
oldest_pending_age_seconds = Gauge(
    "ecbm_notify_oldest_pending_delivery_age_seconds",
    "Age of the oldest delivery waiting to be sent (0 when none): alert on SMTP outages.",
)
