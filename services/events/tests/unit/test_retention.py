"""Registration answers are deleted a configurable time after the event."""

from __future__ import annotations

from datetime import timedelta

from events_fakes import START, InMemoryEvents, an_event, member

from ecbm_events.application.registrations import commands as reg
from ecbm_events.domain.places import Mode

END = START + timedelta(hours=3)


def test_answers_are_erased_once_the_retention_after_the_event_ran_out() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=5)
    made = app.handle(
        reg.RegisterForEvent(
            actor=member("ana"), event_id=event_id, mode=Mode.ON_SITE, answers={"diet": "vegan"}
        )
    )
    registration_id = made.registration_id

    app.clock.now = END + timedelta(days=89)
    assert app.handle(reg.EraseExpiredAnswers()) == 0
    app.clock.now = END + timedelta(days=91)
    assert app.handle(reg.EraseExpiredAnswers()) == 1
    assert app.handle(reg.EraseExpiredAnswers()) == 0

    assert app.registration(registration_id).answers == {}
    requested = app.records.stream(f"registration-{registration_id}")[0]
    assert requested.data["answers"] == {} and requested.data["person_id"] == "ana"
