"""The events worker: registry's PersonForgotten in, lapsed offers moved on by a timer,
and the outbox relayed (ServiceWorker)."""
# nameko ships no annotations.
# mypy: disable-error-code="no-untyped-call,misc,untyped-decorator"

from __future__ import annotations

import logging
from typing import Any

from nameko.timer import Timer

from ecbm_events.application.dependencies import EventsDependencies
from ecbm_events.application.programme.commands import SendDueReminders
from ecbm_events.application.registrations.commands import EraseExpiredAnswers, LapseOffers
from ecbm_events.bootstrap import bootstrap
from ecbm_integration import registry
from ecbm_runtime.wiring import Application
from ecbm_runtime.worker import (
    Received,
    ServiceBus,
    ServiceWorker,
    event_handler,
    worker_settings,
)

_log = logging.getLogger("ecbm_events.worker")


class SettingsTimer(Timer):
    """A timer whose interval is a field of the events settings (``setting``)."""

    def __init__(self, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        super().__init__(interval=1.0, eager=False, **kwargs)

    def setup(self) -> None:
        settings = worker_settings(self.container.service_name)
        self.interval = float(getattr(settings, self.setting))


class EventsWorker(ServiceWorker):
    name = "events"

    app: Application[EventsDependencies] = ServiceBus(bootstrap)  # type: ignore[assignment]

    @SettingsTimer.decorator("offer_check_interval_seconds")
    def lapse_offers(self) -> None:
        """Offered places not taken in time go to the next person waiting."""
        lapsed = self.app.bus.handle(LapseOffers())
        if lapsed:
            _log.info("offers lapsed", extra={"count": lapsed})

    @SettingsTimer.decorator("reminder_check_interval_seconds")
    def send_reminders(self) -> None:
        """ReminderDue for every registrant, days and hours before an event and after it."""
        sent = self.app.bus.handle(SendDueReminders())
        if sent:
            _log.info("reminders due", extra={"count": sent})

    @SettingsTimer.decorator("retention_check_interval_seconds")
    def erase_expired_answers(self) -> None:
        """Registration answers go once their event ended longer ago than the retention."""
        erased = self.app.bus.handle(EraseExpiredAnswers())
        if erased:
            _log.info("answers erased", extra={"count": erased})

    @event_handler("registry", registry.PersonForgotten)
    def on_person_forgotten(self, received: Received[registry.PersonForgotten]) -> None:
        self.app.bus.handle(received.event, received.context)
