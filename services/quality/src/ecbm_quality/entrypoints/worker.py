"""The quality worker: registry's programmes, editors, memberships and people in (step one,
affiliation, and who may audit), matching's accepted introductions (recent collaboration),
labels followed up on a timer (expiry, renewal, surveillance, conditions), the outbox relayed."""
# nameko ships no annotations.
# mypy: disable-error-code="no-untyped-call,misc,untyped-decorator"

from __future__ import annotations

import logging
from typing import Any

from nameko.timer import Timer

from ecbm_integration import matching, registry
from ecbm_quality.application.commands import FollowUpLabels
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


class FollowUpTimer(Timer):
    """Fires every ``renewal_check_interval_seconds`` of the quality settings."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(interval=1.0, eager=False, **kwargs)

    def setup(self) -> None:
        settings = worker_settings(self.container.service_name)
        self.interval = float(settings.renewal_check_interval_seconds)  # type: ignore[attr-defined]


class QualityWorker(ServiceWorker):
    name = "quality"

    app: Application[QualityDependencies] = ServiceBus(bootstrap)  # type: ignore[assignment]

    @FollowUpTimer.decorator
    def follow_up_labels(self) -> None:
        """Lapsed labels expire; renewal, surveillance and conditions reminders; unmet
        conditions past their deadline suspend the label."""
        done = self.app.bus.handle(FollowUpLabels())
        if done:
            _log.info("labels followed up", extra={"count": done})

    @event_handler("registry", registry.ProgrammeRegistered)
    def on_programme_registered(self, received: Received[registry.ProgrammeRegistered]) -> None:
        self.app.bus.handle(received.event, received.context)

    @event_handler("registry", registry.OrganisationRegistered)
    def on_organisation_registered(
        self, received: Received[registry.OrganisationRegistered]
    ) -> None:
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

    @event_handler("matching", matching.IntroductionAccepted)
    def on_introduction_accepted(self, received: Received[matching.IntroductionAccepted]) -> None:
        self.app.bus.handle(received.event, received.context)
