"""The matching worker: relays the outbox; event handlers arrive with the service's issue."""

from __future__ import annotations

from ecbm_runtime.worker import ServiceWorker


class MatchingWorker(ServiceWorker):
    name = "matching"
