"""The matching worker: registry's and quality's events about people and programmes in,
the events service's Meet & Match registrations in, requests expired by a timer, the
outbox relayed (ServiceWorker)."""
# nameko ships no annotations.
# mypy: disable-error-code="no-untyped-call,misc,untyped-decorator"

from __future__ import annotations

import logging
from typing import Any

from nameko.timer import Timer

from ecbm_integration import alerts, events, quality, registry
from ecbm_matching.application.commands import ExpireRequests
from ecbm_matching.application.dependencies import MatchingDependencies
from ecbm_matching.bootstrap import MatchingSettings, bootstrap
from ecbm_runtime.wiring import Application
from ecbm_runtime.worker import (
    Received,
    ServiceBus,
    ServiceWorker,
    event_handler,
    worker_settings,
)

_log = logging.getLogger("ecbm_matching.worker")


class ExpiryTimer(Timer):
    """Fires every ``expiry_check_interval_seconds`` of matching's settings."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(interval=1.0, eager=False, **kwargs)

    def setup(self) -> None:
        settings = worker_settings(self.container.service_name)
        assert isinstance(settings, MatchingSettings)
        self.interval = settings.expiry_check_interval_seconds


class MatchingWorker(ServiceWorker):
    name = "matching"

    app: Application[MatchingDependencies] = ServiceBus(bootstrap)  # type: ignore[assignment]

    @ExpiryTimer.decorator()
    def expire_requests(self) -> None:
        expired = self.app.bus.handle(ExpireRequests())
        if expired:
            _log.info("requests expired", extra={"count": expired})

    def _handle(self, received: Received[Any]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.PersonJoined)
    def on_person_joined(self, received: Received[registry.PersonJoined]) -> None:
        self._handle(received)

    @event_handler("registry", registry.PersonUpdated)
    def on_person_updated(self, received: Received[registry.PersonUpdated]) -> None:
        self._handle(received)

    @event_handler("registry", registry.ExpertiseDeclared)
    def on_expertise(self, received: Received[registry.ExpertiseDeclared]) -> None:
        self._handle(received)

    @event_handler("registry", registry.LearningGoalDeclared)
    def on_goal(self, received: Received[registry.LearningGoalDeclared]) -> None:
        self._handle(received)

    @event_handler("registry", registry.ProgrammeLearningGoalDeclared)
    def on_programme_goal(self, received: Received[registry.ProgrammeLearningGoalDeclared]) -> None:
        self._handle(received)

    @event_handler("registry", registry.ProgrammeRegistered)
    def on_programme_registered(self, received: Received[registry.ProgrammeRegistered]) -> None:
        self._handle(received)

    @event_handler("registry", registry.ProgrammeUpdated)
    def on_programme_updated(self, received: Received[registry.ProgrammeUpdated]) -> None:
        self._handle(received)

    @event_handler("registry", registry.ProgrammeWithdrawn)
    def on_programme_withdrawn(self, received: Received[registry.ProgrammeWithdrawn]) -> None:
        self._handle(received)

    @event_handler("registry", registry.ProgrammeEvidenceLevelChanged)
    def on_evidence(self, received: Received[registry.ProgrammeEvidenceLevelChanged]) -> None:
        self._handle(received)

    @event_handler("registry", registry.OrganisationRegistered)
    def on_organisation_registered(
        self, received: Received[registry.OrganisationRegistered]
    ) -> None:
        self._handle(received)

    @event_handler("registry", registry.OrganisationEditorAdded)
    def on_editor_added(self, received: Received[registry.OrganisationEditorAdded]) -> None:
        self._handle(received)

    @event_handler("quality", quality.QualityLabelAwarded)
    def on_label_awarded(self, received: Received[quality.QualityLabelAwarded]) -> None:
        self._handle(received)

    @event_handler("quality", quality.QualityLabelWithdrawn)
    def on_label_withdrawn(self, received: Received[quality.QualityLabelWithdrawn]) -> None:
        self._handle(received)

    @event_handler("registry", registry.PersonForgotten)
    def on_person_forgotten(self, received: Received[registry.PersonForgotten]) -> None:
        self._handle(received)

    @event_handler("registry", registry.PolicyContactAdded)
    def on_policy_contact_added(self, received: Received[registry.PolicyContactAdded]) -> None:
        self._handle(received)

    @event_handler("registry", registry.PolicyContactUpdated)
    def on_policy_contact_updated(self, received: Received[registry.PolicyContactUpdated]) -> None:
        self._handle(received)

    @event_handler("alerts", alerts.PartnerSearchRequested)
    def on_partner_search_requested(
        self, received: Received[alerts.PartnerSearchRequested]
    ) -> None:
        self._handle(received)

    @event_handler("events", events.EventPublished)
    def on_event_published(self, received: Received[events.EventPublished]) -> None:
        self._handle(received)

    @event_handler("events", events.MeetAndMatchSlotsPlanned)
    def on_slots_planned(self, received: Received[events.MeetAndMatchSlotsPlanned]) -> None:
        self._handle(received)

    @event_handler("events", events.RegistrationConfirmed)
    def on_registration_confirmed(self, received: Received[events.RegistrationConfirmed]) -> None:
        self._handle(received)

    @event_handler("events", events.RegistrationCancelled)
    def on_registration_cancelled(self, received: Received[events.RegistrationCancelled]) -> None:
        self._handle(received)
