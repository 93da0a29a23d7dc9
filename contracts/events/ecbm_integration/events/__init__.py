"""Integration events published by the events service (exchange ``events.events``).

Notify turns them into mail and inbox items. Matching learns a Meet & Match's
participants from ``RegistrationConfirmed`` and ``RegistrationCancelled`` (``kind``
``meet_and_match``), the Meet & Match itself from ``EventPublished`` and its meeting slots
from ``MeetAndMatchSlotsPlanned``: matching consumes, the events service never calls
matching.
"""

from ecbm_integration.events.base import EventsServiceEvent
from ecbm_integration.events.programme import (
    ContributionAccepted,
    EventKind,
    EventPublished,
    MeetAndMatchSlotsPlanned,
    MeetingSlot,
)
from ecbm_integration.events.registrations import (
    AttendanceRecorded,
    CertificateIssued,
    Material,
    MaterialsPublished,
    ParticipationMode,
    PlaceOffered,
    RegistrationCancelled,
    RegistrationConfirmed,
    RegistrationWaitlisted,
    ReminderDue,
)

__all__ = [
    "AttendanceRecorded",
    "CertificateIssued",
    "ContributionAccepted",
    "EventKind",
    "EventPublished",
    "EventsServiceEvent",
    "Material",
    "MaterialsPublished",
    "MeetAndMatchSlotsPlanned",
    "MeetingSlot",
    "ParticipationMode",
    "PlaceOffered",
    "RegistrationCancelled",
    "RegistrationConfirmed",
    "RegistrationWaitlisted",
    "ReminderDue",
]
