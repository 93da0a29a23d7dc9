"""People and organisations as the registry tells notify about them, the catalogue's
events that become notifications for them, and verifying people's addresses."""

from __future__ import annotations

from ecbm_integration import registry
from ecbm_notify.application.people import handlers, verification
from ecbm_notify.application.people.commands import CheckVerificationLink, VerifyEmail
from ecbm_notify.domain.catalogue import FOR_ORGANISATION_CONTACT, FOR_PERSON
from ecbm_runtime.wiring import Area

AREA = Area(
    handlers={
        registry.OrganisationRegistered: handlers.on_organisation_registered,
        **{event_class: handlers.on_organisation_event for event_class in FOR_ORGANISATION_CONTACT},
        registry.PersonJoined: handlers.on_person_changed,
        registry.PersonUpdated: handlers.on_person_changed,
        registry.PersonForgotten: handlers.on_person_forgotten,
        **{event_class: handlers.on_person_event for event_class in FOR_PERSON},
        VerifyEmail: verification.verify_email,
        CheckVerificationLink: verification.check_verification_link,
    },
)
