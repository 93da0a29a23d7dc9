"""Quotas per ticket type, country and role: the rule (domain) and the waiting list per
quota (handlers on the in-memory unit of work)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from events_fakes import EDITOR, InMemoryEvents, member
from hypothesis import given, settings
from hypothesis import strategies as st

from ecbm_events.application.programme.commands import CreateEvent, PublishEvent
from ecbm_events.application.registrations import commands as reg
from ecbm_events.domain.event import Admission, Event, EventDetails, EventKind
from ecbm_events.domain.places import (
    Applicant,
    Mode,
    Occupancy,
    PlacesTaken,
    Quota,
    QuotaFull,
)
from ecbm_events.domain.registration import HOLDS_PLACE, RegistrationState
from ecbm_runtime.errors import InvalidArgument, PermissionDenied

START = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)
NOW = START - timedelta(days=10)
STUDENTS = Quota(name="Students", places=2, ticket_types=("student",))
BELGIANS = Quota(name="Belgium", places=1, countries=("BE",))
EU_STAFF = Quota(name="EU staff", places=1, roles=("eu_staff",), mode=Mode.ON_SITE)


def event(waiting_list: bool = False, **changes: object) -> Event:
    details = EventDetails.model_validate(
        {
            "kind": EventKind.MEET_AND_MATCH,
            "title": "Meet & Match",
            "time_zone": "Europe/Brussels",
            "starts_at": START,
            "ends_at": START + timedelta(hours=8),
            "on_site_places": 10,
            "online_places": 10,
            "waiting_list": waiting_list,
            "ticket_types": ("standard", "student"),
            "quotas": (STUDENTS, BELGIANS, EU_STAFF),
            **changes,
        }
    )
    made = Event.schedule("e1", details)
    made.publish()
    return made


def applicant(ticket: str = "standard", country: str = "NL", role: str = "researcher") -> Applicant:
    return Applicant(ticket_type=ticket, country=country, role=role)


def test_a_registration_counts_in_every_quota_that_covers_it() -> None:
    covered = event().quotas_of(Mode.ON_SITE, applicant("student", "BE", "eu_staff"))
    assert covered == ("Students", "Belgium", "EU staff")
    assert event().quotas_of(Mode.ONLINE, applicant("student", "BE", "eu_staff")) == (
        "Students",
        "Belgium",
    )  # the EU staff quota is for places on site only


def test_a_full_quota_is_refused_naming_it_while_other_places_are_free() -> None:
    full = Occupancy(taken={Mode.ON_SITE: 2}, quota_taken={"Students": 2})
    with pytest.raises(QuotaFull, match="quota 'Students' is full: all 2 places are taken"):
        event().admit(Mode.ON_SITE, ("Students",), full, NOW)
    assert event().admit(Mode.ON_SITE, (), full, NOW) is Admission.CONFIRMED


def test_a_full_quota_waitlists_when_the_event_keeps_a_waiting_list() -> None:
    full = Occupancy(taken={Mode.ON_SITE: 2}, quota_taken={"Students": 2})
    admission = event(waiting_list=True).admit(Mode.ON_SITE, ("Students",), full, NOW)
    assert admission is Admission.WAITLISTED


def test_an_unknown_ticket_type_or_a_missing_country_is_invalid_naming_the_field() -> None:
    with pytest.raises(InvalidArgument) as unknown:
        event().quotas_of(Mode.ON_SITE, applicant("vip"))
    assert unknown.value.violations[0].field == "registration.ticket_type"
    with pytest.raises(InvalidArgument) as missing:
        event().quotas_of(Mode.ON_SITE, applicant(country=""))
    assert missing.value.violations[0].field == "registration.country"


def test_quotas_must_be_named_once_and_use_the_events_ticket_types() -> None:
    with pytest.raises(InvalidArgument) as twice:
        event(quotas=(STUDENTS, STUDENTS))
    assert twice.value.violations[0].field == "event.quotas[1].name"
    with pytest.raises(InvalidArgument) as unknown:
        event(quotas=(Quota(name="VIP", places=1, ticket_types=("vip",)),))
    assert unknown.value.violations[0].field == "event.quotas[0].ticket_types"


# Handlers: the waiting list per quota.


def quota_event(app: InMemoryEvents, places: int = 3) -> str:
    command = CreateEvent.model_validate(
        {
            "actor": EDITOR,
            "kind": "summit",
            "title": "European Mentoring Summit",
            "start_time": START,
            "end_time": START + timedelta(hours=8),
            "on_site_places": places,
            "waiting_list": True,
            "ticket_types": ["standard", "student"],
            "quotas": [{"name": "Students", "places": 1, "ticket_types": ["student"]}],
        }
    )
    event_id: str = app.handle(command)
    app.handle(PublishEvent(actor=EDITOR, event_id=event_id))
    return event_id


def register(app: InMemoryEvents, event_id: str, person: str, ticket: str) -> str:
    command = reg.RegisterForEvent(
        actor=member(person), event_id=event_id, mode=Mode.ON_SITE, ticket_type=ticket
    )
    return str(app.handle(command).registration_id)


def test_a_place_freed_in_a_quota_is_offered_to_the_next_person_waiting_for_it() -> None:
    app = InMemoryEvents()
    app.clock.now = NOW
    event_id = quota_event(app)
    ana = register(app, event_id, "ana", "student")
    ben = register(app, event_id, "ben", "student")  # the students' quota is full
    cleo = register(app, event_id, "cleo", "standard")
    assert app.registration(ben).state is RegistrationState.WAITLISTED
    assert app.registration(cleo).state is RegistrationState.CONFIRMED
    dan = register(app, event_id, "dan", "standard")  # the event is full (3 of 3)
    eve = register(app, event_id, "eve", "standard")
    assert app.registration(dan).state is RegistrationState.CONFIRMED
    assert app.registration(eve).state is RegistrationState.WAITLISTED

    app.handle(
        reg.CancelRegistration(actor=member("cleo"), event_id=event_id, registration_id=cleo)
    )

    # Ben waits first, but the students' quota is still full: the place goes to Eve.
    assert app.registration(ben).state is RegistrationState.WAITLISTED
    assert app.registration(eve).state is RegistrationState.OFFERED

    app.handle(reg.CancelRegistration(actor=member("ana"), event_id=event_id, registration_id=ana))
    assert app.registration(ben).state is RegistrationState.OFFERED
    assert [o["person_id"] for o in app.published("PlaceOffered")] == ["eve", "ben"]


@settings(max_examples=30, deadline=None)
@given(
    steps=st.lists(st.tuples(st.booleans(), st.sampled_from(["student", "standard"])), max_size=14)
)
def test_neither_a_quota_nor_the_event_is_ever_overbooked(steps: list[tuple[bool, str]]) -> None:
    app = InMemoryEvents()
    app.clock.now = NOW
    event_id = quota_event(app, places=2)
    made: list[tuple[str, str, str]] = []
    for number, (cancel, ticket) in enumerate(steps):
        if cancel and made:
            person, registration, _ = made.pop(0)
            command = reg.CancelRegistration(
                actor=member(person), event_id=event_id, registration_id=registration
            )
            app.handle(command)
        else:
            made.append((f"p{number}", register(app, event_id, f"p{number}", ticket), ticket))
        holding = [t for _, r, t in made if app.registration(r).state in HOLDS_PLACE]
        assert len(holding) <= 2 and holding.count("student") <= 1


def change(app: InMemoryEvents, event_id: str, **limits: object) -> None:
    app.handle(reg.ChangePlaces.model_validate({"actor": EDITOR, "event_id": event_id, **limits}))


def test_raising_a_quota_offers_its_places_and_lowering_below_taken_is_refused() -> None:
    app = InMemoryEvents()
    app.clock.now = NOW
    event_id = quota_event(app)
    register(app, event_id, "ana", "student")
    ben = register(app, event_id, "ben", "student")  # the students' quota is full

    with pytest.raises(PlacesTaken) as refused:
        change(app, event_id, on_site_places=0, quotas=[{"name": "Students", "places": 0}])
    assert [f.field for f in refused.value.fields] == ["on_site_places", "quotas[0].places"]
    with pytest.raises(InvalidArgument) as unknown:
        change(app, event_id, quotas=[{"name": "Staff", "places": 3}])
    assert unknown.value.violations[0].field == "quotas[0].name"
    with pytest.raises(PermissionDenied):
        app.handle(reg.ChangePlaces(actor=member("ana"), event_id=event_id, on_site_places=9))

    change(app, event_id, quotas=[{"name": "Students", "places": 2}])
    assert app.registration(ben).state is RegistrationState.OFFERED
    change(app, event_id, on_site_places=2)  # down to the places taken: allowed
    assert [o["person_id"] for o in app.published("PlaceOffered")] == ["ben"]
