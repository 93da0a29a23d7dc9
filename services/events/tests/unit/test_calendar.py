"""iCalendar files: valid RFC 5545 that parses back, in the event's zone, with alarms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from ecbm_events.adapters.calendar import calendar
from ecbm_events.adapters.programme.views import EventView
from ecbm_events.domain.event import EventDetails, EventKind
from ecbm_events.domain.timetable import Slot

START = datetime(2030, 1, 14, 9, 0, tzinfo=UTC)  # 10:00 in Brussels (CET)


def summit() -> EventView:
    details = EventDetails(
        kind=EventKind.SUMMIT,
        title="European Mentoring Summit",
        time_zone="Europe/Brussels",
        starts_at=START,
        ends_at=START + timedelta(days=1),
        venue="Square, Brussels",
        on_site_places=300,
    )
    talk = Slot(
        id="s1", title="Opening", starts_at=START, ends_at=START + timedelta(hours=1), room="Silver"
    )
    return EventView("e1", details, (talk,), "published", 2, START, START)


def parsed() -> Calendar:
    return Calendar.from_ical(calendar("Summit", [summit()], START - timedelta(days=30)))


def test_the_calendar_parses_back_with_one_vevent_per_event_and_session() -> None:
    cal = parsed()
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert summaries == ["European Mentoring Summit", "European Mentoring Summit: Opening"]
    assert all(e["uid"] and e["dtstamp"] for e in cal.walk("VEVENT"))


def test_times_are_in_the_events_zone_with_its_vtimezone() -> None:
    cal = parsed()
    start = cal.walk("VEVENT")[0].decoded("dtstart")
    assert start.hour == 10 and str(start.tzinfo) == "Europe/Brussels"
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert start.astimezone(UTC) == START


def test_every_vevent_has_alarms_a_day_and_an_hour_before() -> None:
    for vevent in parsed().walk("VEVENT"):
        triggers = sorted(alarm.decoded("trigger") for alarm in vevent.walk("VALARM"))
        assert triggers == [-timedelta(days=1), -timedelta(hours=1)]
        assert all(str(alarm["action"]) == "DISPLAY" for alarm in vevent.walk("VALARM"))
