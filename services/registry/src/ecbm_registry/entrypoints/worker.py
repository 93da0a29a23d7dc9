"""The registry's worker: relays its outbox, takes in the quality service's label events
(each programme's quality level ranks and filters it in the directory) and links the
alerts' procedure rapporteurs to policy contacts."""

from __future__ import annotations

from ecbm_integration import alerts, quality
from ecbm_integration import registry as network_events
from ecbm_registry.bootstrap import RegistryDependencies, bootstrap
from ecbm_runtime.wiring import Application
from ecbm_runtime.worker import Received, ServiceBus, ServiceWorker, event_handler


class RegistryWorker(ServiceWorker):
    name = "registry"
    registry: Application[RegistryDependencies] = ServiceBus(bootstrap)  # type: ignore[assignment]

    @event_handler("quality", quality.QualityLabelAwarded)
    def on_quality_label_awarded(self, received: Received[quality.QualityLabelAwarded]) -> None:
        self.registry.bus.handle(received.event, received.context)

    @event_handler("quality", quality.QualityLabelWithdrawn)
    def on_quality_label_withdrawn(self, received: Received[quality.QualityLabelWithdrawn]) -> None:
        self.registry.bus.handle(received.event, received.context)

    @event_handler("alerts", alerts.RapporteursNamed)
    def on_rapporteurs_named(self, received: Received[alerts.RapporteursNamed]) -> None:
        """A procedure's rapporteurs: RapporteurLinked for those in the Brussels network."""
        self.registry.bus.handle(received.event, received.context)

    # Its own events: an MEP added later is linked to the procedures already named.
    @event_handler("registry", network_events.PolicyContactAdded)
    def on_policy_contact_added(
        self, received: Received[network_events.PolicyContactAdded]
    ) -> None:
        self.registry.bus.handle(received.event, received.context)

    @event_handler("registry", network_events.PolicyContactUpdated)
    def on_policy_contact_updated(
        self, received: Received[network_events.PolicyContactUpdated]
    ) -> None:
        self.registry.bus.handle(received.event, received.context)
