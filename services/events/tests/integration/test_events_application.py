"""The events application on SQLite and PostgreSQL: read models, outbox rows, erasure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from events_fakes import EDITOR, delivered, member
from events_serving import events_settings
from sqlalchemy import select

from ecbm_events.adapters.registrations.views import RegistrationViews
from ecbm_events.application.programme.commands import (
    AddSession,
    CreateEvent,
    PublishEvent,
    SendDueReminders,
)
from ecbm_events.application.registrations import commands as reg
from ecbm_events.application.registrations.queries import GetRegistration, ListRegistrations
from ecbm_events.bootstrap import AREA, SERVICE, Events
from ecbm_events.domain.places import Mode, Occupancy
from ecbm_events.domain.registration import RegistrationState
from ecbm_integration import registry
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.tables import events as store
from ecbm_runtime.tables import outbox

START = datetime.now(UTC) + timedelta(days=20)


def an_event(app: Events, places: int = 1, start: datetime = START) -> str:
    command = CreateEvent(
        actor=EDITOR,
        kind="seminar",  # type: ignore[arg-type]
        title="Mentoring refugees",
        start_time=start,
        end_time=start + timedelta(hours=2),
        on_site_places=places,
        waiting_list=True,
    )
    event_id: str = app.bus.handle(command)
    app.bus.handle(PublishEvent(actor=EDITOR, event_id=event_id))
    return event_id


def test_registrations_are_projected_and_announced_through_the_outbox(events_app: Events) -> None:
    event_id = an_event(events_app)
    for person in ("ana", "ben"):
        events_app.bus.handle(
            reg.RegisterForEvent(actor=member(person), event_id=event_id, mode=Mode.ON_SITE)
        )

    with events_app.engine.connect() as connection:
        kinds = [
            row.routing_key for row in connection.execute(select(outbox).order_by(outbox.c.id))
        ]
        subjects = {row.subject for row in connection.execute(select(outbox))}
    assert kinds == ["EventPublished", "RegistrationConfirmed", "RegistrationWaitlisted"]
    assert {"ana", "ben"} <= subjects
    with events_app.dependencies.read() as views:
        occupancy = views.registrations.occupancy(event_id)
    assert (occupancy.taken_of(Mode.ON_SITE), occupancy.waiting_of(Mode.ON_SITE)) == (1, 1)


def test_person_forgotten_erases_their_registration_here_once(events_app: Events) -> None:
    event_id = an_event(events_app, places=5)
    ref = events_app.bus.handle(
        reg.RegisterForEvent(
            actor=member("ana"),
            event_id=event_id,
            mode=Mode.ON_SITE,
            answers={"diet": "vegan"},
            country="RO",
            role="practitioner",
        )
    )
    forgotten = registry.PersonForgotten(person_id="ana", occurred_at=datetime.now(UTC))
    context = delivered(forgotten)

    assert events_app.bus.handle(forgotten, context) == 1

    view = events_app.bus.handle(
        GetRegistration(actor=EDITOR, event_id=event_id, registration_id=ref.registration_id)
    )
    assert (view.person_id, view.answers, view.state.value) == ("", {}, "cancelled")
    assert (view.country, view.role) == ("", "")
    with events_app.engine.connect() as connection:
        stored = connection.execute(
            select(store.c.data, store.c.metadata).where(
                store.c.stream_id == f"registration-{ref.registration_id}"
            )
        ).all()
        unpublished = connection.execute(
            select(outbox).where(outbox.c.subject == "ana", outbox.c.published_at.is_(None))
        ).all()
    assert all("ana" not in str(data) and "vegan" not in str(data) for data, _ in stored)
    assert all("practitioner" not in str(data) and "'RO'" not in str(data) for data, _ in stored)
    assert all(meta.get("actor") is None for _, meta in stored)
    assert unpublished == []
    try:
        events_app.bus.handle(forgotten, context)
    except Exception as redelivered:
        assert type(redelivered).__name__ == "DuplicateDelivery"
    else:
        raise AssertionError("a redelivery ran twice")


def test_due_reminders_go_out_once_per_event_and_reminder(events_app: Events) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)  # both "days" and "hours before" are due
    event_id = an_event(events_app, places=5, start=soon)
    later = an_event(events_app, places=5)  # in 20 days: nothing due yet
    for event in (event_id, later):
        events_app.bus.handle(
            reg.RegisterForEvent(actor=member("ana"), event_id=event, mode=Mode.ON_SITE)
        )

    assert events_app.bus.handle(SendDueReminders()) == 2
    assert events_app.bus.handle(SendDueReminders()) == 0

    with events_app.engine.connect() as connection:
        rows = connection.execute(
            select(outbox.c.body).where(outbox.c.routing_key == "ReminderDue")
        )
        reminders = sorted(json.loads(body)["reminder"] for (body,) in rows)
    assert reminders == ["days_before", "hours_before"]


def test_a_meet_and_match_hands_its_timetable_to_matching_as_slots(events_app: Events) -> None:
    def session(minutes: int) -> dict[str, object]:
        at = START + timedelta(minutes=minutes)
        return {"title": "Meetings", "start_time": at, "end_time": at + timedelta(minutes=15)}

    command = CreateEvent(
        actor=EDITOR, kind="meet_and_match", title="Meet & Match Brussels",  # type: ignore[arg-type]
        start_time=START, end_time=START + timedelta(hours=2), on_site_places=50,
        sessions=(session(0),),  # type: ignore[arg-type]
    )  # fmt: skip
    event_id = events_app.bus.handle(command)
    events_app.bus.handle(PublishEvent(actor=EDITOR, event_id=event_id))
    events_app.bus.handle(AddSession(actor=EDITOR, event_id=event_id, session=session(20)))  # type: ignore[arg-type]
    an_event(events_app)  # a seminar hands nothing over

    with events_app.engine.connect() as connection:
        rows = connection.execute(
            select(outbox.c.body)
            .where(outbox.c.routing_key == "MeetAndMatchSlotsPlanned")
            .order_by(outbox.c.id)
        )
        planned = [json.loads(body) for (body,) in rows]
    assert [len(p["slots"]) for p in planned] == [1, 2]  # the whole timetable each time
    assert {p["event_id"] for p in planned} == {event_id}


def test_answers_of_events_past_the_retention_are_erased(events_app: Events) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=200)
    back_then = MessageBus(
        AREA.handlers, replace(events_app.dependencies, clock=lambda: long_ago - timedelta(days=1))
    )  # registration for an event long past was open before it: the clock set back
    for bus, start in ((back_then, long_ago), (events_app.bus, START)):
        event_id = an_event(events_app, places=5, start=start)
        answers = {"diet": "vegan"}
        bus.handle(
            reg.RegisterForEvent(
                actor=member("ana"), event_id=event_id, mode=Mode.ON_SITE, answers=answers
            )
        )

    assert events_app.bus.handle(reg.EraseExpiredAnswers()) == 1
    assert events_app.bus.handle(reg.EraseExpiredAnswers()) == 0

    with events_app.dependencies.read() as views:
        kept = sorted((r.answers for r in views.registrations.of_person("ana")), key=len)
    assert kept == [{}, {"diet": "vegan"}]


def test_replay_rebuilds_every_read_model_as_it_was(events_app: Events, database_url: str) -> None:
    event_id = an_event(events_app, places=1)
    ana = events_app.bus.handle(
        reg.RegisterForEvent(actor=member("ana"), event_id=event_id, mode=Mode.ON_SITE)
    )
    events_app.bus.handle(
        reg.RegisterForEvent(actor=member("ben"), event_id=event_id, mode=Mode.ON_SITE)
    )
    events_app.bus.handle(
        reg.CancelRegistration(
            actor=member("ana"), event_id=event_id, registration_id=ana.registration_id
        )
    )  # ben is offered the place
    tables = list(AREA.read_model_tables)

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        with events_app.engine.connect() as connection:
            return {
                t.name: sorted(map(tuple, connection.execute(select(t))), key=str) for t in tables
            }

    before = snapshot()
    assert SERVICE.replay is not None
    replayed = SERVICE.replay(events_settings(database_url=database_url))

    with events_app.engine.connect() as connection:
        stored = len(connection.execute(select(store.c.position)).all())
    assert replayed == stored
    assert snapshot() == before


def test_a_registration_decided_waitlisted_on_counts_read_before_a_raise_is_decided_again(
    events_app: Events, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ana holds the one place; the limit is raised to 2. Ben's counts were read before
    (both places taken, as they were for the old limit plus an offer): he would wait beside
    a free place. Joining the list finds no pool full, so he is decided again: confirmed."""
    event_id = an_event(events_app)
    events_app.bus.handle(
        reg.RegisterForEvent(actor=member("ana"), event_id=event_id, mode=Mode.ON_SITE)
    )
    events_app.bus.handle(reg.ChangePlaces(actor=EDITOR, event_id=event_id, on_site_places=2))
    stale: Iterator[object] = iter([({}, Occupancy(taken={Mode.ON_SITE: 2}), None)])
    fresh = RegistrationViews.admission

    def admission(views: RegistrationViews, *args: Any) -> object:
        return next(stale, None) or fresh(views, *args)

    monkeypatch.setattr(RegistrationViews, "admission", admission)

    ref = events_app.bus.handle(
        reg.RegisterForEvent(actor=member("ben"), event_id=event_id, mode=Mode.ON_SITE)
    )

    assert ref.view.state is RegistrationState.CONFIRMED


def test_a_place_in_line_counts_those_ahead_as_people_leave_the_line(events_app: Events) -> None:
    """The place is counted from the end of the line (the waiting counter less those
    behind): it must stay right when someone in the middle leaves, or is offered a place."""
    event_id = an_event(events_app, places=1)
    made = {
        person: events_app.bus.handle(
            reg.RegisterForEvent(actor=member(person), event_id=event_id, mode=Mode.ON_SITE)
        )
        for person in ("ana", "ben", "cleo", "dana")
    }

    def place(person: str) -> tuple[RegistrationState, int]:
        query = GetRegistration(
            actor=member(person), event_id=event_id, registration_id=made[person].registration_id
        )
        view = events_app.bus.handle(query)
        return view.state, view.waitlist_position

    def cancel(person: str) -> None:
        events_app.bus.handle(
            reg.CancelRegistration(
                actor=member(person),
                event_id=event_id,
                registration_id=made[person].registration_id,
            )
        )

    assert [made[p].view.waitlist_position for p in ("ben", "cleo", "dana")] == [1, 2, 3]
    page = events_app.bus.handle(
        ListRegistrations(actor=EDITOR, event_id=event_id, state=RegistrationState.WAITLISTED)
    )
    assert [r.waitlist_position for r in page.registrations] == [1, 2, 3]  # pages too
    cancel("cleo")
    assert (place("ben"), place("dana")) == (
        (RegistrationState.WAITLISTED, 1),
        (RegistrationState.WAITLISTED, 2),
    )
    cancel("ana")  # her place is offered to ben
    assert (place("ben"), place("dana")) == (
        (RegistrationState.OFFERED, 0),
        (RegistrationState.WAITLISTED, 1),
    )


def test_a_groups_lookups_answer_for_each_of_any_number_of_people(events_app: Events) -> None:
    """A group's statements come in power-of-two sizes, the rest NULL: three people (a size
    of four) and five ids (eight) must each get their own answer, and the NULLs none."""
    event_id = an_event(events_app, places=2)
    made = {
        person: events_app.bus.handle(
            reg.RegisterForEvent(actor=member(person), event_id=event_id, mode=Mode.ON_SITE)
        ).registration_id
        for person in ("ana", "ben", "cleo")
    }
    with events_app.dependencies.read() as views:
        open_of, occupancy, version = views.registrations.admission(
            event_id, ["ben", "zoe", "cleo"]
        )
        found = views.registrations.registrations([*made.values(), "no-such-1", "no-such-2"])
    assert open_of == {"ben": made["ben"], "cleo": made["cleo"]}
    assert (occupancy.taken_of(Mode.ON_SITE), occupancy.waiting_of(Mode.ON_SITE)) == (2, 1)
    assert version is not None
    assert {id: view.person_id for id, view in found.items()} == {
        id: person for person, id in made.items()
    }
    assert found[made["cleo"]].waitlist_position == 1
