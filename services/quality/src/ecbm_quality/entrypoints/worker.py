"""The quality worker: registry's programmes, editors, memberships and people in (step one,
affiliation, and who may audit), renewal reminders and expiry on a timer, the outbox relayed."""
# nameko ships no annotations.
# mypy: disable-error-code="no-untyped-call,misc,untyped-decorator"

from __future__ import annotations

import logging
from typing import Any

from nameko.timer import Timer

from ecbm_integration import registry
from ecbm_quality.application.commands import SendRenewalReminders
from ecbm_quality.application.dependencies import QualityDependencies
from ecbm_quality.bootstrap import bootstrap
from ecbm_runtime.wiring import Application
from ecbm_runtime.worker import (
    Received,
    ServiceBus,
    ServiceWorker,
    event_handler,
    worker_settings,
)

_log = logging.getLogger("ecbm_quality.worker")


class RenewalTimer(Timer):
    """Fires every ``renewal_check_interval_seconds`` of the quality settings."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(interval=1.0, eager=False, **kwargs)

    def setup(self) -> None:
        settings = worker_settings(self.container.service_name)
        self.interval = float(settings.renewal_check_interval_seconds)  # type: ignore[attr-defined]


class QualityWorker(ServiceWorker):
    name = "quality"

    app: Application[QualityDependencies] = ServiceBus(bootstrap)  # type: ignore[assignment]

    @RenewalTimer.decorator
    def send_renewal_reminders(self) -> None:
        """RenewalDue for labels expiring soon; lapsed labels expire (and registry hears)."""
        sent = self.app.bus.handle(SendRenewalReminders())
        if sent:
            _log.info("renewal reminders due", extra={"count": sent})

    @event_handler("registry", registry.ProgrammeRegistered)
    def on_programme_registered(self, received: Received[registry.ProgrammeRegistered]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.OrganisationEditorAdded)
    def on_editor_added(self, received: Received[registry.OrganisationEditorAdded]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.MembershipApproved)
    def on_membership_approved(self, received: Received[registry.MembershipApproved]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.MembershipEnded)
    def on_membership_ended(self, received: Received[registry.MembershipEnded]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.PersonJoined)
    def on_person_joined(self, received: Received[registry.PersonJoined]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.PersonUpdated)
    def on_person_updated(self, received: Received[registry.PersonUpdated]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.PersonForgotten)
    def on_person_forgotten(self, received: Received[registry.PersonForgotten]) -> None:
        self.app.bus.handle(received.event, received.context)
