"""The registry's worker: relays its outbox and takes in the quality service's label events
(each programme's quality level ranks and filters it in the directory)."""

from __future__ import annotations

from ecbm_integration import quality
from ecbm_registry.bootstrap import Registry, bootstrap
from ecbm_runtime.worker import ServiceBus, ServiceWorker, event_handler


class RegistryWorker(ServiceWorker):
    name = "registry"
    registry: Registry = ServiceBus(bootstrap)  # type: ignore[assignment]

    @event_handler("quality", quality.QualityLabelAwarded)
    def on_quality_label_awarded(self, event: quality.QualityLabelAwarded) -> None:
        self.registry.bus.handle(event)

    @event_handler("quality", quality.QualityLabelWithdrawn)
    def on_quality_label_withdrawn(self, event: quality.QualityLabelWithdrawn) -> None:
        self.registry.bus.handle(event)
