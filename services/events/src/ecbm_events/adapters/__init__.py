"""Read models, views and outside formats (iCalendar) of the events service."""
