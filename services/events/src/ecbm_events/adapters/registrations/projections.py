"""Projections of registrations' domain events to the registrations table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ecbm_events.adapters.registrations.tables import registrations
from ecbm_events.domain.event import Admission
from ecbm_events.domain.registration import (
    AnswersErased,
    AttendanceRecorded,
    CertificateIssued,
    NoShowRecorded,
    OfferAccepted,
    OfferLapsed,
    PlaceOffered,
    RegistrationApproved,
    RegistrationCancelled,
    RegistrationDeclined,
    RegistrationErased,
    RegistrationRequested,
)
from ecbm_runtime.eventstore import StoredEvent


def project_registration_requested(
    connection: Connection, event: RegistrationRequested, record: StoredEvent
) -> None:
    waiting = event.admission is Admission.WAITLISTED
    connection.execute(
        insert(registrations).values(
            id=record.entity_id,
            event_id=event.event_id,
            person_id=event.person_id,
            mode=event.mode.value,
            state=event.admission.value,
            answers=event.answers,
            queue_position=record.position if waiting else None,
            offer_expires_at=None,
            reason="",
            attended_sessions=[],
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )


def _approved(event: RegistrationApproved, record: StoredEvent) -> dict[str, Any]:
    waiting = event.admission is Admission.WAITLISTED
    return {"state": event.admission.value, "queue_position": record.position if waiting else None}


# What each later event changes in the registration's row.
_CHANGES: dict[type, Callable[[Any, StoredEvent], dict[str, Any]]] = {
    RegistrationApproved: _approved,
    RegistrationDeclined: lambda e, r: {"state": "declined", "reason": e.reason},
    RegistrationCancelled: lambda e, r: {
        "state": "cancelled",
        "reason": e.reason,
        "offer_expires_at": None,
    },
    PlaceOffered: lambda e, r: {"state": "offered", "offer_expires_at": e.expires_at},
    OfferAccepted: lambda e, r: {"state": "confirmed", "offer_expires_at": None},
    OfferLapsed: lambda e, r: {
        "state": "cancelled",
        "offer_expires_at": None,
        "reason": "the offered place was not taken in time",
    },
    NoShowRecorded: lambda e, r: {"state": "no_show"},
    AnswersErased: lambda e, r: {"answers": {}},
    CertificateIssued: lambda e, r: {
        "certificate_code": e.code,
        "certificate_name": e.holder_name,
        "certificate_issued_at": r.recorded_at,
    },
    RegistrationErased: lambda e, r: {
        "person_id": "",
        "answers": {},
        "certificate_code": None,
        "certificate_name": None,
    },
}


def project_registration_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    _update(connection, record, **_CHANGES[type(event)](event, record))


def project_attendance_recorded(
    connection: Connection, event: AttendanceRecorded, record: StoredEvent
) -> None:
    attended = connection.execute(
        select(registrations.c.attended_sessions).where(registrations.c.id == record.entity_id)
    ).scalar_one()
    sessions = sorted({*attended, event.session_id})
    _update(connection, record, state="attended", attended_sessions=sessions)


def _update(connection: Connection, record: StoredEvent, **values: Any) -> None:
    connection.execute(
        update(registrations)
        .where(registrations.c.id == record.entity_id)
        .values(version=record.version, update_time=record.recorded_at, **values)
    )


CHANGED_BY = tuple(_CHANGES)
