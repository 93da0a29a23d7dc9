"""Personal data: answers deleted after the retention time, a forgotten person erased."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecbm_events.application.registrations.commands import (
    EraseExpiredAnswers,
)
from ecbm_events.application.registrations.handlers import (
    cancel_and_offer,
)
from ecbm_events.domain.contribution import Contribution, ContributionProposed
from ecbm_events.domain.registration import (
    CANCELLABLE,
    CertificateIssued,
    Registration,
    RegistrationRequested,
)
from ecbm_integration import registry

if TYPE_CHECKING:
    from ecbm_events.application.dependencies import EventsDependencies


def erase_expired_answers(command: EraseExpiredAnswers, deps: EventsDependencies) -> int:
    """Delete the answers of registrations whose event ended before the retention; how many.

    From the read model and from the stored ``RegistrationRequested`` events alike.
    """
    ended_before = deps.clock() - deps.answers_retention
    with deps.uow() as work:
        expired = work.views.registrations.answers_to_erase(ended_before, command.limit)
        for registration_id in expired:
            registration = work.repository(Registration).get(registration_id)
            registration.erase_answers()
            work.store.redact(
                registration.stream_id, {RegistrationRequested.__name__: {"answers": {}}}
            )
        work.commit()
    return len(expired)


def on_person_forgotten(event: registry.PersonForgotten, deps: EventsDependencies) -> int:
    """Erase the person here too: who registered, what they answered, who proposed what.

    Open registrations are cancelled first (a place goes on to the next person waiting);
    the stored ``RegistrationRequested`` events are redacted and unpublished messages about
    the person dropped. The first unit of work claims the delivery.
    """
    with deps.uow() as work:
        work.lock_appends()
        views = work.views.registrations.of_person(event.person_id)
        for view in views:
            registration = work.repository(Registration).get(view.id)
            if registration.state in CANCELLABLE:
                cancel_and_offer(work, deps, registration, "the person left the network")
            registration.erase()
            work.store.redact(
                registration.stream_id,
                {
                    RegistrationRequested.__name__: {
                        "person_id": "",
                        "answers": {},
                        "applicant": registration.applicant.model_dump(),  # country, role gone
                    },
                    CertificateIssued.__name__: {"holder_name": ""},
                },
                {"actor": None},
            )
        for contribution_id in work.views.contributions.of_person(event.person_id):
            contribution = work.repository(Contribution).get(contribution_id)
            contribution.erase()
            work.store.redact(
                contribution.stream_id,
                {ContributionProposed.__name__: {"person_id": ""}},
                {"actor": None},
            )
        work.forget_subject(event.person_id)
        work.commit()
    return len(views)
