"""The registry's worker: relays its outbox (it consumes no other service's events yet)."""

from __future__ import annotations

from ecbm_runtime.worker import ServiceWorker


class RegistryWorker(ServiceWorker):
    name = "registry"
