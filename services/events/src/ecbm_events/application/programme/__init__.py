"""The programme: events, their timetable, publishing, calendars."""
