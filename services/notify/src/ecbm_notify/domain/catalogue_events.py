"""The events service's notifications: registrations, offers, reminders, materials
published after the reminder after the event, certificates.

Each goes to the registrant (``person_id``). Confirmations, cancellations and offered
places are critical: the person must know whether they have a place, and an offer lapses.
Times are shown in UTC: notify does not know the person's zone (the events service's
calendar feed shows them in the event's).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from ecbm_integration import events
from ecbm_notify.domain.notification_type import Audience, Message, NotificationType
from ecbm_notify.domain.preferences import Topic

SAMPLE_TITLE = "Mentoring refugees: what works"


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _title(event: Any) -> str:
    return str(event.title) or "your event"  # older producers sent no title


def _link(event: Any) -> str:
    return f"events/{event.event_id}/registrations/{event.registration_id}"


def _confirmed(event: events.RegistrationConfirmed) -> Message:
    return Message(
        title=f"Your place at {event.title} is confirmed",
        body=f"Your registration for {event.title} is confirmed. "
        f"It starts on {_when(event.starts_at)}.",
        link=_link(event),
    )


def _waitlisted(event: events.RegistrationWaitlisted) -> Message:
    return Message(
        title=f"You are on the waiting list for {_title(event)}",
        body=f"{_title(event)} is full. You are on the waiting list: when a place is free, "
        "it is offered to you for a limited time.",
        link=_link(event),
    )


def _offered(event: events.PlaceOffered) -> Message:
    return Message(
        title=f"A place at {_title(event)} is free for you",
        body=f"A place at {_title(event)} is held for you until {_when(event.expires_at)}. "
        "Accept it before then, or it goes to the next person waiting.",
        link=_link(event),
    )


def _cancelled(event: events.RegistrationCancelled) -> Message:
    return Message(
        title=f"Your registration for {_title(event)} is cancelled",
        body=f"Your registration for {_title(event)} was cancelled. You can register again "
        "while places are free.",
        link=_link(event),
    )


def _materials(event: events.ReminderDue | events.MaterialsPublished) -> str:
    return "\n".join(f"{m.title}: {m.url}" for m in event.materials)


def _reminder(event: events.ReminderDue) -> Message:
    if event.reminder == "after":
        body = f"Thank you for taking part in {event.title}. Please tell us what you thought."
        if event.materials:
            body += f" Recordings and materials:\n{_materials(event)}"
        return Message(f"{event.title}: feedback and materials", body, _link(event))
    return Message(
        title=f"Reminder: {event.title}",
        body=f"{event.title} starts on {_when(event.starts_at)}.",
        link=_link(event),
    )


def _new_materials(event: events.MaterialsPublished) -> Message:
    return Message(
        title=f"{event.title}: new recordings and materials",
        body=f"New recordings and materials of {event.title} are published:\n{_materials(event)}",
        link=_link(event),
    )


def _certificate(event: events.CertificateIssued) -> Message:
    return Message(
        title=f"Your certificate of attendance for {_title(event)}",
        body=f"Your certificate of attendance for {_title(event)} is ready. Anyone can "
        f"verify it with the code {event.verification_code}.",
        link=_link(event),
    )


def _contribution(event: events.ContributionAccepted) -> Message:
    return Message(
        title=f"Your contribution {event.title} is accepted",
        body=f"The editors accepted your contribution {event.title}: it is on the event's "
        "timetable now.",
        link=f"events/{event.event_id}/contributions/{event.contribution_id}",
    )


def _person(
    name: str,
    message: Callable[[Any], Message],
    context: Callable[[Any], dict[str, str]],
    sample: dict[str, str],
    critical: bool = False,
) -> NotificationType:
    return NotificationType(
        name=name,
        topic=Topic.EVENTS,
        audience=Audience.PERSON,
        message=message,
        context=context,
        sample={"event_title": SAMPLE_TITLE, **sample},
        critical=critical,
    )


EVENTS_CATALOGUE: dict[type[BaseModel], NotificationType] = {
    events.RegistrationConfirmed: _person(
        "registration_confirmed",
        _confirmed,
        lambda e: {"event_title": e.title, "starts_at": _when(e.starts_at)},
        {"starts_at": "2027-03-04 09:00 UTC"},
        critical=True,
    ),
    events.RegistrationWaitlisted: _person(
        "registration_waitlisted", _waitlisted, lambda e: {"event_title": _title(e)}, {}
    ),
    events.PlaceOffered: _person(
        "place_offered",
        _offered,
        lambda e: {"event_title": _title(e), "expires_at": _when(e.expires_at)},
        {"expires_at": "2027-03-01 09:00 UTC"},
        critical=True,
    ),
    events.RegistrationCancelled: _person(
        "registration_cancelled",
        _cancelled,
        lambda e: {"event_title": _title(e)},
        {},
        critical=True,
    ),
    events.ReminderDue: _person(
        "reminder_due",
        _reminder,
        lambda e: {
            "event_title": e.title,
            "starts_at": _when(e.starts_at),
            "after": "yes" if e.reminder == "after" else "",
            "materials": _materials(e),
        },
        {
            "starts_at": "2027-03-04 09:00 UTC",
            "after": "yes",
            "materials": "Recording: https://ecbm.example/r/1",
        },
    ),
    events.MaterialsPublished: _person(
        "materials_published",
        _new_materials,
        lambda e: {"event_title": e.title, "materials": _materials(e)},
        {"materials": "Recording: https://ecbm.example/r/1"},
    ),
    events.ContributionAccepted: _person(
        "contribution_accepted",
        _contribution,
        lambda e: {"contribution_title": e.title},
        {"contribution_title": "Mentoring young carers"},
    ),
    events.CertificateIssued: _person(
        "certificate_issued",
        _certificate,
        lambda e: {"event_title": _title(e), "code": e.verification_code},
        {"code": "K7QH-3MZP-X2RD"},
    ),
}
