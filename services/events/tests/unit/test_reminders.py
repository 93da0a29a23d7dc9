"""Reminders from the worker's timer: each once per event, to everyone holding a place."""

from __future__ import annotations

from datetime import timedelta

from events_fakes import NOW, InMemoryEvents, an_event, register

from ecbm_events.application.programme.commands import SendDueReminders

START = NOW + timedelta(days=10)


def test_reminders_go_out_before_and_after_the_event_once_each() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, start=START, waiting_list=True)
    register(app, event_id, "ana")
    register(app, event_id, "ben")  # waitlisted: holds no place, gets no reminder

    assert app.handle(SendDueReminders()) == 0  # ten days ahead: nothing due
    app.clock.now = START - timedelta(days=6)
    assert app.handle(SendDueReminders()) == 1
    assert app.handle(SendDueReminders()) == 0
    app.clock.now = START - timedelta(hours=1)
    assert app.handle(SendDueReminders()) == 1
    app.clock.now = START + timedelta(hours=4)
    assert app.handle(SendDueReminders()) == 1

    sent = app.published("ReminderDue")
    assert [(r["reminder"], r["person_id"]) for r in sent] == [
        ("days_before", "ana"),
        ("hours_before", "ana"),
        ("after", "ana"),
    ]


def test_no_after_event_reminder_for_events_long_past() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, start=START)
    register(app, event_id, "ana")
    app.clock.now = START + timedelta(days=30)
    assert app.handle(SendDueReminders()) == 0
