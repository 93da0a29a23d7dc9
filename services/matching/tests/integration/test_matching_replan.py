"""Changes after a Meet & Match schedule is published (SQLite and PostgreSQL): re-planning
keeps the meetings still possible where they were and tells exactly those whose meeting
changed; the Brussels advocacy programme: delegations visit registry's policy contacts in
their windows, suggestions say which contacts to ask for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import matching_feeds as feeds
import pytest
from matching_feeds import ADMIN, NOW, deliver, member
from sqlalchemy import select

from ecbm_integration import registry
from ecbm_matching.application import commands as c
from ecbm_matching.application.advocacy import DelegationNotFound
from ecbm_matching.bootstrap import SERVICE, Matching, bootstrap
from ecbm_matching.domain.meet_and_match import MeetingNotFound, NotPublished
from ecbm_runtime.errors import InvalidArgument, PermissionDenied
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.tables import outbox

EVENT = "brussels-2027"


@pytest.fixture
def app(database_url: str) -> Iterator[Matching]:
    upgrade(SERVICE.migrations, database_url)
    matching = bootstrap(SERVICE.load_settings(database_url=database_url))
    yield matching
    matching.close()


def registered(app: Matching, *people: str) -> None:
    feeds.registered(app, EVENT, *people)


def slots(count: int) -> tuple[c.SlotInput, ...]:
    return tuple(
        c.SlotInput(
            starts_at=NOW + timedelta(minutes=20 * i), ends_at=NOW + timedelta(minutes=20 * i + 15)
        )
        for i in range(count)
    )


def meeting(app: Matching, a: str, b: str) -> str:
    meeting_id: str = app.bus.handle(c.RequestMeeting(actor=member(a), event_id=EVENT, to_person=b))
    app.bus.handle(
        c.AnswerMeeting(actor=member(b), event_id=EVENT, meeting_id=meeting_id, accept=True)
    )
    return meeting_id


def placed(app: Matching) -> dict[str, tuple[int, int]]:
    with app.dependencies.read() as views:
        return {
            m.id: (m.slot, m.table)
            for m in views.meet_and_match.meetings(EVENT)
            if m.slot is not None and m.table is not None
        }


def told(app: Matching, kind: str) -> list[str]:
    with app.engine.connect() as connection:
        rows = connection.execute(select(outbox.c.subject).where(outbox.c.routing_key == kind))
        return sorted(rows.scalars())


def test_a_replan_keeps_what_it_can_and_tells_only_those_affected(app: Matching) -> None:
    people = ("ana", "ben", "cy", "dan", "eve", "fay", "gus", "hal")
    registered(app, *people)
    app.bus.handle(
        c.ConfigureMeetAndMatch(actor=ADMIN, event_id=EVENT, slots=slots(3), tables=("T1", "T2"))
    )
    ids = {
        pair: meeting(app, *pair)
        for pair in (("ana", "ben"), ("cy", "dan"), ("eve", "fay"), ("gus", "hal"), ("ana", "cy"))
    }
    with pytest.raises(NotPublished):
        app.bus.handle(c.ReplanSchedule(actor=ADMIN, event_id=EVENT, seconds=1))
    app.bus.handle(c.ScheduleMeetAndMatch(actor=ADMIN, event_id=EVENT, seconds=1))
    app.bus.handle(c.PublishSchedule(actor=ADMIN, event_id=EVENT))
    before = placed(app)
    assert len(before) == 5

    # after publishing: ben and eve agree to meet, gus cancels with hal, and the slot of
    # ana and ben's meeting is withdrawn
    closed = before[ids["ana", "ben"]][0]
    added = meeting(app, "ben", "eve")
    with pytest.raises(MeetingNotFound):  # not cy's meeting
        app.bus.handle(
            c.CancelMeeting(actor=member("cy"), event_id=EVENT, meeting_id=ids["gus", "hal"])
        )
    app.bus.handle(
        c.CancelMeeting(actor=member("gus"), event_id=EVENT, meeting_id=ids["gus", "hal"])
    )
    assert told(app, "MeetingCancelled") == ["hal"]
    with pytest.raises(PermissionDenied):  # organisers only
        app.bus.handle(c.ReplanSchedule(actor=member("ana"), event_id=EVENT))
    with pytest.raises(InvalidArgument):
        app.bus.handle(c.ReplanSchedule(actor=ADMIN, event_id=EVENT, withdrawn_slots=(7,)))

    done = app.bus.handle(
        c.ReplanSchedule(actor=ADMIN, event_id=EVENT, withdrawn_slots=(closed,), seconds=1)
    )

    after = placed(app)
    assert all(slot != closed for slot, _ in after.values())
    still = {m: where for m, where in before.items() if m != ids["gus", "hal"]}
    kept = {m for m, where in still.items() if where[0] != closed}
    assert all(after[m] == before[m] for m in kept)  # untouched meetings did not move
    changed = {m for m in set(still) | set(after) if still.get(m) != after.get(m)}
    assert ids["ana", "ben"] in changed  # moved or dropped
    pairs = {v: k for k, v in ids.items()} | {added: ("ben", "eve")}
    expected = sorted(p for m in changed for p in pairs[m])
    assert told(app, "MeetingRescheduled") == expected  # exactly the people affected
    assert (done.version, done.kept, done.told) == (2, len(kept), len(expected))
    assert done.moved + done.added + done.dropped == len(changed)
    view = app.bus.handle(c.GetMeetAndMatch(actor=ADMIN, event_id=EVENT))
    assert (view.state, view.version, view.withdrawn_slots) == ("published", 2, [closed])

    again = app.bus.handle(c.ReplanSchedule(actor=ADMIN, event_id=EVENT, seconds=1))
    assert (again.version, again.told) == (3, 0)  # nothing changed: nobody told twice


def test_delegations_visit_policy_contacts_in_their_windows(app: Matching) -> None:
    registered(app, "ana", "ben", "cy", "dan")
    for contact, kind, country, topics, committee in (
        ("mep-be", "MEP", "BE", ["migrant-integration"], ""),
        ("dg-empl", "COMMISSION_STAFF", "IT", [], ""),
        ("mep-fr", "MEP", "FR", [], ""),
    ):
        deliver(
            app,
            registry.PolicyContactAdded(
                policy_contact_id=contact,
                kind=kind,
                country=country,
                stance="OPEN",
                topics=topics,
                committee=committee,
                occurred_at=NOW,
            ),
        )
    deliver(  # registry names the DG later
        app,
        registry.PolicyContactUpdated(
            policy_contact_id="dg-empl",
            change="DETAILS",
            kind="COMMISSION_STAFF",
            country="IT",
            topics=["mentor-training"],
            committee="EMPL",
            occurred_at=NOW,
        ),
    )
    deliver(
        app,
        registry.PolicyContactUpdated(
            policy_contact_id="mep-fr", change="WITHDRAWN", occurred_at=NOW
        ),
    )
    app.bus.handle(
        c.ConfigureMeetAndMatch(
            actor=ADMIN,
            event_id=EVENT,
            slots=slots(2),
            tables=("Room A", "Room B"),
            buildings=("Parliament", "Berlaymont"),
            travel=(c.TravelInput(here="Parliament", there="Berlaymont", minutes=15),),
        )
    )
    define = c.DefineDelegation(
        actor=ADMIN,
        event_id=EVENT,
        delegation_id="be",
        name="Belgian delegation",
        country="BE",
        topics=("migrant-integration", "mentor-training"),
        committees=("EMPL",),
        members=("ana", "ben"),
    )
    with pytest.raises(PermissionDenied):
        app.bus.handle(define.model_copy(update={"actor": member("ana")}))
    app.bus.handle(define)

    mine = c.SuggestContacts(actor=member("ana"), event_id=EVENT, delegation_id="be")
    suggested = app.bus.handle(mine)
    # the DG handling both topics, then Belgium's MEP; mep-fr is withdrawn
    assert [s.contact_id for s in suggested] == ["dg-empl", "mep-be"]
    assert suggested[0].explanation.startswith("Commission staff; in EMPL")
    with pytest.raises(DelegationNotFound):  # cy is not in the delegation
        app.bus.handle(mine.model_copy(update={"actor": member("cy")}))

    # the MEP receives in the second slot only
    app.bus.handle(
        c.SetContactWindows(
            actor=ADMIN, event_id=EVENT, contact_id="mep-be", windows=(slots(2)[1],)
        )
    )
    visit = app.bus.handle(
        c.BookVisit(actor=ADMIN, event_id=EVENT, delegation_id="be", contact_id="mep-be")
    )
    assert visit == app.bus.handle(  # booked once
        c.BookVisit(actor=ADMIN, event_id=EVENT, delegation_id="be", contact_id="mep-be")
    )
    pair = meeting(app, "ana", "cy")  # ana is busy with the delegation in slot 1
    app.bus.handle(c.ScheduleMeetAndMatch(actor=ADMIN, event_id=EVENT, seconds=1))

    where = placed(app)
    assert where[visit][0] == 1 and where[pair][0] == 0
    assert where[visit][1] == where[pair][1]  # 5 minutes between slots: no walk across
    ben = app.bus.handle(c.GetAgenda(actor=member("ben"), event_id=EVENT))
    assert [m.id for m in ben.meetings] == [visit]
    assert "Delegation visit at Room" in ben.calendar
    dan = app.bus.handle(c.GetAgenda(actor=member("dan"), event_id=EVENT))
    assert dan.meetings == []  # another participant sees nothing of it

    deliver(app, registry.PersonForgotten(person_id="ben", occurred_at=NOW))
    with app.dependencies.read() as views:
        (delegation,) = views.meet_and_match.delegations(EVENT)
    assert delegation.members == ["ana"]  # a forgotten member leaves the delegation
