"""The alerts worker: sources polled and deadline reminders sent by timers, registry's
PersonForgotten in, and the outbox relayed (ServiceWorker)."""
# nameko ships no annotations.
# mypy: disable-error-code="no-untyped-call,misc,untyped-decorator"

from __future__ import annotations

import logging
from typing import Any

from nameko.timer import Timer

from ecbm_alerts.application.commands import PollSources, SendDeadlineReminders
from ecbm_alerts.application.dependencies import AlertsDependencies
from ecbm_alerts.bootstrap import bootstrap
from ecbm_integration import registry
from ecbm_runtime.wiring import Application
from ecbm_runtime.worker import (
    Received,
    ServiceBus,
    ServiceWorker,
    event_handler,
    worker_settings,
)

_log = logging.getLogger("ecbm_alerts.worker")


class SettingsTimer(Timer):
    """A timer whose interval is a field of the alerts settings (``setting``)."""

    def __init__(self, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        super().__init__(interval=1.0, eager=True, **kwargs)

    def setup(self) -> None:
        settings = worker_settings(self.container.service_name)
        self.interval = float(getattr(settings, self.setting))


class AlertsWorker(ServiceWorker):
    name = "alerts"

    app: Application[AlertsDependencies] = ServiceBus(bootstrap)  # type: ignore[assignment]

    @SettingsTimer.decorator("poll_check_interval_seconds")
    def poll_sources(self) -> None:
        """Each active source whose own interval (longer after failures) has passed."""
        polled = self.app.bus.handle(PollSources())
        if polled:
            _log.info("sources polled", extra={"count": polled})

    @SettingsTimer.decorator("reminder_check_interval_seconds")
    def send_deadline_reminders(self) -> None:
        """DeadlineApproaching 30 and 7 days before a matched call's deadline."""
        sent = self.app.bus.handle(SendDeadlineReminders())
        if sent:
            _log.info("deadline reminders", extra={"count": sent})

    @event_handler("registry", registry.PersonForgotten)
    def on_person_forgotten(self, received: Received[registry.PersonForgotten]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.RapporteurLinked)
    def on_rapporteur_linked(self, received: Received[registry.RapporteurLinked]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.OrganisationRegistered)
    def on_organisation_registered(
        self, received: Received[registry.OrganisationRegistered]
    ) -> None:
        self.app.bus.handle(received.event, received.context)
