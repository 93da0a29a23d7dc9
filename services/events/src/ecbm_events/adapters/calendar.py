"""iCalendar (RFC 5545) files of events and of a person's registrations, with alarms.

Times carry the event's zone (TZID, with its VTIMEZONE), so a calendar app shows them
right in any zone. Each event is one VEVENT, each session another, all with alarms a day
and an hour before.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from ecbm_events.adapters.programme.views import EventView
from ecbm_events.domain.times import local

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODUCT = "-//European Center for Mentoring//ECBM events//EN"
_UID_DOMAIN = "events.ecbm"
ALARMS = (timedelta(days=1), timedelta(hours=1))


def calendar(name: str, events: Iterable[EventView], stamped_at: datetime, note: str = "") -> str:
    """One VCALENDAR holding ``events`` and their sessions; ``note`` goes on each event."""
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        for component in _components(event, stamped_at, note):
            cal.add_component(component)
    cal.add_missing_timezones()
    ics: bytes = cal.to_ical()
    return ics.decode()


def _components(event: EventView, stamped_at: datetime, note: str) -> list[CalendarEvent]:
    d = event.details
    whole = _vevent(
        uid=f"event-{event.id}@{_UID_DOMAIN}",
        title=d.title,
        starts_at=local(d.starts_at, d.time_zone),
        ends_at=local(d.ends_at, d.time_zone),
        location=d.venue or ("online" if d.online_places else ""),
        description="\n\n".join(part for part in (d.description, note) if part),
        stamped_at=stamped_at,
        sequence=event.version,
    )
    sessions = [
        _vevent(
            uid=f"session-{event.id}-{slot.id}@{_UID_DOMAIN}",
            title=f"{d.title}: {slot.title}",
            starts_at=local(slot.starts_at, d.time_zone),
            ends_at=local(slot.ends_at, d.time_zone),
            location=slot.room or "online",
            description=slot.abstract,
            stamped_at=stamped_at,
            sequence=event.version,
        )
        for slot in event.sessions
    ]
    return [whole, *sessions]


def _vevent(
    *,
    uid: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    description: str,
    stamped_at: datetime,
    sequence: int,
) -> CalendarEvent:
    vevent = CalendarEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamped_at)
    vevent.add("dtstart", starts_at)
    vevent.add("dtend", ends_at)
    vevent.add("summary", title)
    vevent.add("sequence", sequence)
    if location:
        vevent.add("location", location)
    if description:
        vevent.add("description", description)
    for before in ALARMS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{title} starts soon")
        alarm.add("trigger", -before)
        vevent.add_component(alarm)
    return vevent
