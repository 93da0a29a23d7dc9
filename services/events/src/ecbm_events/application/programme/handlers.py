"""Handlers of the programme area: ``handler(message, deps)``, one per use case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecbm_events.adapters.calendar import CONTENT_TYPE, calendar
from ecbm_events.adapters.programme.views import EventPage, EventView
from ecbm_events.application.programme import integration
from ecbm_events.application.programme.commands import (
    AddSession,
    CreateEvent,
    PublishEvent,
    SendDueReminders,
    SessionInput,
    SetEventSeries,
)
from ecbm_events.application.programme.queries import GetEvent, GetEventCalendar, ListEvents
from ecbm_events.domain.event import Event, EventDetails, EventNotFound
from ecbm_events.domain.places import Occupancy, Quota
from ecbm_events.domain.series import Series
from ecbm_events.domain.times import utc
from ecbm_events.domain.timetable import Slot
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_events.adapters.views import EventsViews
    from ecbm_events.application.dependencies import EventsDependencies


@dataclass(frozen=True)
class EventWithPlaces:
    """An event as callers see it: its details and how its places are taken."""

    event: EventView
    occupancy: Occupancy


@dataclass(frozen=True)
class CalendarFile:
    ics: str
    feed_url: str = ""
    content_type: str = CONTENT_TYPE


def create_event(command: CreateEvent, deps: EventsDependencies) -> str:
    """The new event's id; a retried ``request_id`` gets the first event's id."""
    event_id = new_id(
        "event", f"{command.actor.subject}:{command.request_id}" if command.request_id else ""
    )
    details = EventDetails(
        kind=command.kind,
        title=command.title,
        description=command.description,
        time_zone=command.time_zone,
        starts_at=utc(command.start_time),
        ends_at=utc(command.end_time),
        venue=command.venue,
        on_site_places=command.on_site_places,
        online_places=command.online_places,
        waiting_list=command.waiting_list,
        moderated=command.moderated,
        registration_closes_at=(
            utc(command.registration_close_time) if command.registration_close_time else None
        ),
        series=command.series,
        series_id=command.series_id,
        stream_url=command.stream_url,
        ticket_types=command.ticket_types,
        quotas=tuple(Quota.model_validate(q.model_dump()) for q in command.quotas),
    )
    sessions = tuple(_slot(event_id, index, s) for index, s in enumerate(command.sessions, 1))
    with deps.uow() as work:
        events = work.repository(Event)
        if not events.exists(event_id):
            if details.series_id:
                details = in_series(work.repository(Series).find(details.series_id), details)
            events.add(Event.schedule(event_id, details, sessions))
            work.commit()
    return event_id


def publish_event(command: PublishEvent, deps: EventsDependencies) -> str:
    with deps.uow() as work:
        event = _event(work.repository(Event).find(command.event_id), command.event_id)
        event.publish()
        work.publish(integration.event_published(event, deps.clock()))
        _hand_slots_over(work, event, deps)
        work.commit()
    return command.event_id


def add_session(command: AddSession, deps: EventsDependencies) -> str:
    with deps.uow() as work:
        event = _event(work.repository(Event).find(command.event_id), command.event_id)
        event.add_session(_slot(event.id, len(event.sessions) + 1, command.session))
        _hand_slots_over(work, event, deps)
        work.commit()
    return command.event_id


def set_event_series(command: SetEventSeries, deps: EventsDependencies) -> str:
    """The series' title becomes the event's label; leaving a series clears both."""
    with deps.uow() as work:
        event = _event(work.repository(Event).find(command.event_id), command.event_id)
        label = ""
        if command.series_id:
            moved = event.details.model_copy(update={"series_id": command.series_id, "series": ""})
            found = work.repository(Series).find(command.series_id)
            label = in_series(found, moved, "series_name").series
        event.choose_series(command.series_id, label)
        work.commit()
    return command.event_id


def send_due_reminders(command: SendDueReminders, deps: EventsDependencies) -> int:
    """Each due reminder once per event, to everyone holding a place; how many went out."""
    now, times = deps.clock(), deps.reminders
    with deps.read() as views:
        due = views.programme.due_reminders(
            now, times.days_before, times.hours_before, times.after_within
        )
    sent = 0
    for event_id, reminder in due:  # one unit of work each: the event's stream guards twice
        with deps.uow() as work:
            event = work.repository(Event).get(event_id)
            if event.remind(reminder):
                for registration_id, person_id in work.views.registrations.holders(event_id):
                    message = integration.reminder_due(
                        event, reminder, registration_id, person_id, now
                    )
                    work.publish(message, subject=person_id)
                    sent += 1
            work.commit()
    return sent


def get_event(query: GetEvent, deps: EventsDependencies) -> EventWithPlaces:
    with deps.read() as views:
        event = visible_event(views.programme.event(query.event_id), query.event_id, query.actor)
        return EventWithPlaces(event, views.registrations.occupancy(event.id))


def list_events(
    query: ListEvents, deps: EventsDependencies
) -> tuple[list[EventWithPlaces], EventPage]:
    with deps.read() as views:
        page = views.programme.page(
            drafts=query.actor.is_editor,
            kind=query.kind,
            series=query.series,
            series_id=query.series_id,
            size=query.page_size,
            offset=query.offset,
        )
        listed = [EventWithPlaces(e, views.registrations.occupancy(e.id)) for e in page.events]
    return listed, page


def get_event_calendar(query: GetEventCalendar, deps: EventsDependencies) -> CalendarFile:
    with deps.read() as views:
        event = visible_event(views.programme.event(query.event_id), query.event_id, query.actor)
    feed = f"{deps.feeds.base_url}/events/{event.id}.ics"
    return CalendarFile(calendar(event.details.title, [event], deps.clock()), feed)


def visible_event(event: EventView | None, event_id: str, actor: Actor) -> EventView:
    """The event if the caller may see it: published, or any to editors."""
    if event is None or not (event.published or actor.is_editor):
        raise EventNotFound(f"event {event_id!r} does not exist")
    return event


def in_series(
    series: Series | None, details: EventDetails, field: str = "event.series_name"
) -> EventDetails:
    """The details naming an existing series of the event's kind (its title the label when
    none is given); ``series`` is what ``details.series_id`` names, None if nothing."""
    if series is None:
        raise InvalidArgument(FieldViolation(field, "no such series"))
    if series.kind is not details.kind:
        raise InvalidArgument(FieldViolation(field, f"the series is of {series.kind} events"))
    return details.model_copy(update={"series": details.series or series.title})


def _hand_slots_over(work: UnitOfWork[EventsViews], event: Event, deps: EventsDependencies) -> None:
    """A published Meet & Match's whole timetable goes to matching as its meeting slots."""
    planned = integration.slots_planned(event, deps.clock())
    if planned is not None:
        work.publish(planned)


def _event(event: Event | None, event_id: str) -> Event:
    if event is None:
        raise EventNotFound(f"event {event_id!r} does not exist")
    return event


def _slot(event_id: str, number: int, session: SessionInput) -> Slot:
    return Slot(
        id=f"s{number}",
        title=session.title,
        starts_at=utc(session.start_time),
        ends_at=utc(session.end_time),
        room=session.room,
        online=session.online,
        speakers=session.speakers,
        abstract=session.abstract,
    )
