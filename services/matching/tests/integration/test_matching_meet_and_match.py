"""Meet & Match on SQLite and PostgreSQL: participants from the events service, slots and
tables, meeting requests answered by their recipient, the schedule, lock, agenda, erasure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import matching_feeds as feeds
import pytest
from icalendar import Calendar
from matching_feeds import ADMIN, NOW, deliver, member
from sqlalchemy import select, text

from ecbm_integration import events, registry
from ecbm_matching.application import commands as c
from ecbm_matching.bootstrap import SERVICE, Matching, bootstrap
from ecbm_matching.domain.meet_and_match import MeetingNotFound, NotAParticipant, ScheduleLocked
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.tables import events as store
from ecbm_runtime.tables import outbox

EVENT = "brussels-2027"
PEOPLE = ("ana", "ben", "cy", "dan")


@pytest.fixture
def app(database_url: str) -> Iterator[Matching]:
    upgrade(SERVICE.migrations, database_url)
    matching = bootstrap(SERVICE.load_settings(database_url=database_url))
    yield matching
    matching.close()


def registered(app: Matching, person: str) -> None:
    feeds.registered(app, EVENT, person)


def meeting(app: Matching, a: str, b: str, accept: bool = True) -> str:
    meeting_id: str = app.bus.handle(
        c.RequestMeeting(actor=member(a), event_id=EVENT, to_person=b, message=f"{a} here")
    )
    app.bus.handle(
        c.AnswerMeeting(actor=member(b), event_id=EVENT, meeting_id=meeting_id, accept=accept)
    )
    return meeting_id


def test_accepted_meetings_are_scheduled_without_clashes_then_locked(app: Matching) -> None:
    deliver(
        app,
        events.EventPublished(
            event_id=EVENT,
            kind="meet_and_match",
            title="Meet & Match Brussels",
            starts_at=NOW,
            ends_at=NOW + timedelta(hours=3),
            time_zone="Europe/Brussels",
            on_site_places=100,
            online_places=0,
            occurred_at=NOW,
        ),
    )
    deliver(
        app,
        events.EventPublished(  # other kinds are not matching's
            event_id="webinar",
            kind="webinar",
            title="A webinar",
            starts_at=NOW,
            ends_at=NOW,
            time_zone="UTC",
            on_site_places=0,
            online_places=10,
            occurred_at=NOW,
        ),
    )
    for person in PEOPLE:
        registered(app, person)
    slots = [
        c.SlotInput(
            starts_at=NOW + timedelta(minutes=20 * i), ends_at=NOW + timedelta(minutes=20 * i + 15)
        )
        for i in range(2)
    ]
    configure = c.ConfigureMeetAndMatch(
        actor=ADMIN, event_id=EVENT, slots=tuple(slots), tables=("Table 1",)
    )
    with pytest.raises(PermissionDenied):
        app.bus.handle(configure.model_copy(update={"actor": member("ana")}))
    app.bus.handle(configure)
    first = meeting(app, "ana", "ben")
    meeting(app, "ben", "ana")  # mutual
    meeting(app, "cy", "dan")
    meeting(app, "ana", "cy", accept=False)
    with pytest.raises(MeetingNotFound):  # only the recipient answers
        app.bus.handle(
            c.AnswerMeeting(actor=member("cy"), event_id=EVENT, meeting_id=first, accept=False)
        )
    with pytest.raises(NotAParticipant):
        app.bus.handle(c.RequestMeeting(actor=member("eve"), event_id=EVENT, to_person="ana"))
    app.bus.handle(c.SetAvailability(actor=member("dan"), event_id=EVENT, unavailable=(0,)))

    result = app.bus.handle(c.ScheduleMeetAndMatch(actor=ADMIN, event_id=EVENT, seconds=2))
    # ana and ben asked each other: one mutual meeting; one table, two slots: both fit
    assert (result.accepted, result.placed, result.objective) == (2, 2, 3)
    assert result.placed <= result.bound
    with app.dependencies.read() as views:
        placed = [m for m in views.meet_and_match.meetings(EVENT) if m.slot is not None]
    assert {(m.from_id, m.to_id, m.slot) for m in placed if m.from_id == "cy"} == {("cy", "dan", 1)}
    assert len({(m.slot, m.table) for m in placed}) == len(placed)  # no table twice

    agenda = app.bus.handle(c.GetAgenda(actor=member("dan"), event_id=EVENT))
    (item,) = [e for e in Calendar.from_ical(agenda.calendar).walk("VEVENT")]
    assert str(item["location"]) == "Table 1" and str(item["status"]) == "TENTATIVE"

    app.bus.handle(c.PublishSchedule(actor=ADMIN, event_id=EVENT))
    with pytest.raises(ScheduleLocked):
        app.bus.handle(c.ScheduleMeetAndMatch(actor=ADMIN, event_id=EVENT, seconds=1))

    deliver(
        app,
        events.RegistrationCancelled(
            registration_id="reg-cy",
            event_id=EVENT,
            person_id="cy",
            kind="meet_and_match",
            occurred_at=NOW,
        ),
    )
    assert app.bus.handle(c.GetAgenda(actor=member("dan"), event_id=EVENT)).meetings == []
    with app.engine.connect() as connection:  # a published schedule changed: dan is told
        told = [(r.routing_key, r.subject) for r in connection.execute(select(outbox))]
    assert told == [("MeetingCancelled", "dan")]

    deliver(app, registry.PersonForgotten(person_id="ana", occurred_at=NOW))
    with app.engine.connect() as connection:
        for table in ("mm_participants", "mm_meetings"):
            dump = str(list(connection.execute(text(f"SELECT * FROM {table}"))))
            assert "'ana'" not in dump and "ana here" not in dump, table
        stored = str(list(connection.execute(select(store.c.data, store.c.metadata))))
    assert "'ana'" not in stored and "ana here" not in stored


def test_before_publishing_the_other_side_of_an_accepted_meeting_is_told(app: Matching) -> None:
    for person in PEOPLE:
        registered(app, person)
    accepted = meeting(app, "ana", "ben")
    pending = app.bus.handle(c.RequestMeeting(actor=member("ana"), event_id=EVENT, to_person="cy"))
    meeting(app, "cy", "dan")

    cancel = c.CancelMeeting(actor=member("ben"), event_id=EVENT, meeting_id=accepted)
    app.bus.handle(cancel)
    app.bus.handle(cancel)  # again: nothing new
    app.bus.handle(c.CancelMeeting(actor=member("ana"), event_id=EVENT, meeting_id=pending))
    deliver(  # cy leaves: dan counted on their accepted meeting
        app,
        events.RegistrationCancelled(
            registration_id="reg-cy",
            event_id=EVENT,
            person_id="cy",
            kind="meet_and_match",
            occurred_at=NOW,
        ),
    )
    with app.engine.connect() as connection:
        told = [(r.routing_key, r.subject, r.body) for r in connection.execute(select(outbox))]
    # exactly the other side of each accepted meeting; the unanswered request tells no one
    assert [(kind, subject) for kind, subject, _ in told] == [
        ("MeetingCancelled", "ana"),
        ("MeetingCancelled", "dan"),
    ]
    for _, _, body in told:  # not on a published agenda: notify says it will not be scheduled
        assert '"scheduled": false' in body or '"scheduled":false' in body


def test_the_events_timetable_gives_the_slots_until_the_organisers_set_their_own(
    app: Matching,
) -> None:
    def planned(*minutes: int) -> events.MeetAndMatchSlotsPlanned:
        slots = [
            events.MeetingSlot(
                starts_at=NOW + timedelta(minutes=m), ends_at=NOW + timedelta(minutes=m + 15)
            )
            for m in minutes
        ]
        return events.MeetAndMatchSlotsPlanned(
            event_id=EVENT, title="Meet & Match Brussels", starts_at=NOW, slots=slots,
            occurred_at=NOW,
        )  # fmt: skip

    def starts() -> list[int]:
        found = app.bus.handle(c.GetMeetAndMatch(actor=ADMIN, event_id=EVENT))
        at = [datetime.fromisoformat(s["starts_at"]) for s in found.slots]
        return [int((a - NOW).total_seconds() // 60) for a in at]

    deliver(app, planned(0, 20))  # overtaking EventPublished: it opens the Meet & Match
    assert starts() == [0, 20]
    deliver(app, planned(0, 20, 40))  # a session added: the whole timetable again
    assert starts() == [0, 20, 40]
    app.bus.handle(c.ConfigureMeetAndMatch(actor=ADMIN, event_id=EVENT, tables=("Table 1",)))
    assert starts() == [0, 20, 40]  # tables only: the slots handed over stay
    own = (c.SlotInput(starts_at=NOW, ends_at=NOW + timedelta(minutes=30)),)
    app.bus.handle(
        c.ConfigureMeetAndMatch(actor=ADMIN, event_id=EVENT, slots=own, tables=("Table 1",))
    )
    deliver(app, planned(0, 20, 40, 60))
    assert starts() == [0]  # the organisers' own slots win
