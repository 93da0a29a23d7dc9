"""The events service's domain: events with their timetable, and registrations."""
