"""The programme's integration events, built in one place."""

from __future__ import annotations

from datetime import datetime

from ecbm_events.domain.event import Event, EventKind, Reminder
from ecbm_events.domain.materials import Material
from ecbm_integration import events as published


def event_published(event: Event, at: datetime) -> published.EventPublished:
    d = event.details
    return published.EventPublished(
        event_id=event.id,
        kind=d.kind.value,
        title=d.title,
        starts_at=d.starts_at,
        ends_at=d.ends_at,
        time_zone=d.time_zone,
        on_site_places=d.on_site_places,
        online_places=d.online_places,
        occurred_at=at,
    )


def slots_planned(event: Event, at: datetime) -> published.MeetAndMatchSlotsPlanned | None:
    """A published Meet & Match's timetable as meeting slots for matching (None for other
    events, drafts, or an empty timetable)."""
    if event.details.kind is not EventKind.MEET_AND_MATCH or not event.published:
        return None
    if not event.sessions:
        return None
    return published.MeetAndMatchSlotsPlanned(
        event_id=event.id,
        title=event.details.title,
        starts_at=event.details.starts_at,
        slots=[
            published.MeetingSlot(starts_at=s.starts_at, ends_at=s.ends_at) for s in event.sessions
        ],
        occurred_at=at,
    )


def reminder_due(
    event: Event, reminder: Reminder, registration_id: str, person_id: str, at: datetime
) -> published.ReminderDue:
    return published.ReminderDue(
        registration_id=registration_id,
        event_id=event.id,
        person_id=person_id,
        title=event.details.title,
        reminder=reminder,
        starts_at=event.details.starts_at,
        materials=_listed(event.materials) if reminder == "after" else [],
        occurred_at=at,
    )


def materials_published(
    event: Event, materials: list[Material], registration_id: str, person_id: str, at: datetime
) -> published.MaterialsPublished:
    return published.MaterialsPublished(
        registration_id=registration_id,
        event_id=event.id,
        person_id=person_id,
        title=event.details.title,
        materials=_listed(materials),
        occurred_at=at,
    )


def _listed(materials: tuple[Material, ...] | list[Material]) -> list[published.Material]:
    """The newest, as many as the contract carries."""
    return [
        published.Material(title=m.title, url=m.url, session_id=m.session_id)
        for m in materials[-50:]
    ]
