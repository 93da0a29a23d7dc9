"""Notify's worker: every service's events in, notifications out."""

from __future__ import annotations

from ecbm_integration import registry
from ecbm_notify.bootstrap import Notify, bootstrap
from ecbm_runtime.worker import ServiceBus, ServiceWorker, event_handler


class NotifyWorker(ServiceWorker):
    name = "notify"
    notify: Notify = ServiceBus(bootstrap)  # type: ignore[assignment]

    @event_handler("registry", registry.OrganisationRegistered)
    def on_organisation_registered(self, event: registry.OrganisationRegistered) -> None:
        self.notify.bus.handle(event)

    @event_handler("registry", registry.ProgrammeRegistered)
    def on_programme_registered(self, event: registry.ProgrammeRegistered) -> None:
        self.notify.bus.handle(event)

    @event_handler("registry", registry.PersonJoined)
    def on_person_joined(self, event: registry.PersonJoined) -> None:
        self.notify.bus.handle(event)

    @event_handler("registry", registry.PersonUpdated)
    def on_person_updated(self, event: registry.PersonUpdated) -> None:
        self.notify.bus.handle(event)

    @event_handler("registry", registry.MembershipApproved)
    def on_membership_approved(self, event: registry.MembershipApproved) -> None:
        self.notify.bus.handle(event)

    @event_handler("registry", registry.PersonForgotten)
    def on_person_forgotten(self, event: registry.PersonForgotten) -> None:
        self.notify.bus.handle(event)
