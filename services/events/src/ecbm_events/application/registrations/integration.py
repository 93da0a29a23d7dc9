"""The registrations' integration events, built in one place.

They need the event's title and times besides the registration, so handlers queue them
(``work.publish``) where both are at hand; each names the person as its subject, so
forgetting the person drops the unpublished ones.
"""

from __future__ import annotations

from datetime import datetime

from ecbm_events.domain.event import Event
from ecbm_events.domain.registration import Registration, Via
from ecbm_integration import events as published


def confirmed(
    registration: Registration, event: Event, at: datetime
) -> published.RegistrationConfirmed:
    return published.RegistrationConfirmed(
        registration_id=registration.id,
        event_id=event.id,
        person_id=registration.person_id,
        kind=event.details.kind.value,
        title=event.details.title,
        mode=registration.mode.value,
        starts_at=event.details.starts_at,
        occurred_at=at,
    )


def waitlisted(
    registration: Registration, event: Event, at: datetime
) -> published.RegistrationWaitlisted:
    return published.RegistrationWaitlisted(
        registration_id=registration.id,
        event_id=registration.event_id,
        person_id=registration.person_id,
        mode=registration.mode.value,
        title=event.details.title,
        occurred_at=at,
    )


def cancelled(
    registration: Registration, event: Event, at: datetime
) -> published.RegistrationCancelled:
    return published.RegistrationCancelled(
        registration_id=registration.id,
        event_id=registration.event_id,
        person_id=registration.person_id,
        kind=event.details.kind.value,
        title=event.details.title,
        occurred_at=at,
    )


def place_offered(
    registration: Registration, event: Event, expires_at: datetime, at: datetime
) -> published.PlaceOffered:
    return published.PlaceOffered(
        registration_id=registration.id,
        event_id=registration.event_id,
        person_id=registration.person_id,
        mode=registration.mode.value,
        expires_at=expires_at,
        title=event.details.title,
        occurred_at=at,
    )


def attendance_recorded(
    registration: Registration, session_id: str, via: Via, at: datetime
) -> published.AttendanceRecorded:
    return published.AttendanceRecorded(
        registration_id=registration.id,
        event_id=registration.event_id,
        person_id=registration.person_id,
        session_id=session_id,
        via=via,
        occurred_at=at,
    )


def certificate_issued(
    registration: Registration, event: Event, code: str, at: datetime
) -> published.CertificateIssued:
    return published.CertificateIssued(
        certificate_id=code,
        registration_id=registration.id,
        event_id=registration.event_id,
        person_id=registration.person_id,
        verification_code=code,
        title=event.details.title,
        occurred_at=at,
    )
