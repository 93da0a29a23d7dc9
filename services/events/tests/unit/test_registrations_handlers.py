"""Registration handlers through the bus on the in-memory unit of work."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from events_fakes import EDITOR, NOW, START, InMemoryEvents, an_event, delivered, member, register
from hypothesis import given, settings
from hypothesis import strategies as st

from ecbm_events.application.registrations import commands as reg
from ecbm_events.application.registrations.handlers import register_group
from ecbm_events.application.registrations.queries import GetRegistration, ListRegistrations
from ecbm_events.domain.event import EventFull, RegistrationClosed
from ecbm_events.domain.places import Mode
from ecbm_events.domain.registration import (
    HOLDS_PLACE,
    NoPlaceOffered,
    NotCancellable,
    Registration,
    RegistrationNotFound,
    RegistrationState,
)
from ecbm_integration import registry
from ecbm_runtime.context import MessageContext
from ecbm_runtime.errors import InvalidArgument, PermissionDenied
from ecbm_runtime.group_commit import Submitted
from ecbm_runtime.inbox import DuplicateDelivery


def state(app: InMemoryEvents, registration_id: str) -> RegistrationState:
    return app.registration(registration_id).state


def test_a_free_place_is_confirmed_and_announced() -> None:
    app = InMemoryEvents()
    event_id = an_event(app)
    ana = register(app, event_id, "ana")

    assert state(app, ana) is RegistrationState.CONFIRMED
    (confirmed,) = app.published("RegistrationConfirmed")
    assert confirmed["person_id"] == "ana" and confirmed["title"] == "Mentoring refugees"


def test_registering_again_returns_the_open_registration() -> None:
    app = InMemoryEvents()
    event_id = an_event(app)
    assert register(app, event_id, "ana") == register(app, event_id, "ana")
    assert len(app.published("RegistrationConfirmed")) == 1


def test_a_full_event_without_waiting_list_refuses_with_the_reason() -> None:
    app = InMemoryEvents()
    event_id = an_event(app)
    register(app, event_id, "ana")
    with pytest.raises(EventFull, match="all 1 on-site places are taken"):
        register(app, event_id, "ben")


def test_registration_after_close_is_refused() -> None:
    app = InMemoryEvents()
    event_id = an_event(app)
    app.clock.now = START + timedelta(minutes=1)
    with pytest.raises(RegistrationClosed):
        register(app, event_id, "ana")


def test_a_freed_place_is_offered_to_the_next_person_waiting() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, waiting_list=True)
    ana, ben, cleo = (register(app, event_id, p) for p in ("ana", "ben", "cleo"))
    assert [state(app, r) for r in (ben, cleo)] == [RegistrationState.WAITLISTED] * 2

    app.handle(reg.CancelRegistration(actor=member("ana"), event_id=event_id, registration_id=ana))

    assert state(app, ben) is RegistrationState.OFFERED
    assert state(app, cleo) is RegistrationState.WAITLISTED
    (offer,) = app.published("PlaceOffered")
    assert offer["person_id"] == "ben" and offer["title"] == "Mentoring refugees"
    waitlisted = app.published("RegistrationWaitlisted")
    assert [w["title"] for w in waitlisted] == ["Mentoring refugees"] * 2
    assert offer["expires_at"].startswith((NOW + timedelta(hours=48)).date().isoformat())


@pytest.mark.parametrize("by", ["registrant", "organiser"])
def test_a_cancellation_is_published_for_matching_and_notify(by: str) -> None:
    app = InMemoryEvents()
    event_id = an_event(app, kind="meet_and_match")
    ana = register(app, event_id, "ana")
    actor = member("ana") if by == "registrant" else EDITOR

    app.handle(reg.CancelRegistration(actor=actor, event_id=event_id, registration_id=ana))

    (cancelled,) = app.published("RegistrationCancelled")
    assert cancelled["registration_id"] == ana and cancelled["person_id"] == "ana"
    assert cancelled["kind"] == "meet_and_match" and cancelled["title"] == "Mentoring refugees"


def test_a_lapsed_offer_or_a_refused_cancellation_publishes_no_cancellation() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, waiting_list=True)
    ana, ben = register(app, event_id, "ana"), register(app, event_id, "ben")
    cancel = reg.CancelRegistration(actor=member("ana"), event_id=event_id, registration_id=ana)
    app.handle(cancel)
    app.clock.advance(hours=49)
    app.handle(reg.LapseOffers())
    assert state(app, ben) is RegistrationState.CANCELLED
    with pytest.raises(NotCancellable):
        app.handle(cancel)
    assert [c["person_id"] for c in app.published("RegistrationCancelled")] == ["ana"]


def test_an_offer_not_taken_in_time_moves_on_to_the_next_person() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, waiting_list=True)
    ana, ben, cleo = (register(app, event_id, p) for p in ("ana", "ben", "cleo"))
    app.handle(reg.CancelRegistration(actor=member("ana"), event_id=event_id, registration_id=ana))

    app.clock.advance(hours=47)
    assert app.handle(reg.LapseOffers()) == 0
    app.clock.advance(hours=1)
    assert app.handle(reg.LapseOffers()) == 1

    assert state(app, ben) is RegistrationState.CANCELLED
    assert state(app, cleo) is RegistrationState.OFFERED
    with pytest.raises(NoPlaceOffered):
        app.handle(reg.AcceptPlace(actor=member("ben"), event_id=event_id, registration_id=ben))
    app.handle(reg.AcceptPlace(actor=member("cleo"), event_id=event_id, registration_id=cleo))
    assert state(app, cleo) is RegistrationState.CONFIRMED


def test_a_moderated_registration_waits_for_an_editor() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, moderated=True)
    ana = register(app, event_id, "ana")
    assert state(app, ana) is RegistrationState.PENDING and not app.published(
        "RegistrationConfirmed"
    )

    app.handle(reg.ApproveRegistration(actor=EDITOR, event_id=event_id, registration_id=ana))
    assert state(app, ana) is RegistrationState.CONFIRMED


def test_a_member_cannot_see_or_cancel_another_members_registration() -> None:
    app = InMemoryEvents()
    event_id = an_event(app)
    ana = register(app, event_id, "ana")
    with pytest.raises(RegistrationNotFound):
        app.handle(
            reg.CancelRegistration(actor=member("ben"), event_id=event_id, registration_id=ana)
        )
    with pytest.raises(RegistrationNotFound):
        app.handle(GetRegistration(actor=member("ben"), event_id=event_id, registration_id=ana))
    page = app.handle(ListRegistrations(actor=member("ben"), event_id=event_id))
    assert page.registrations == []
    assert state(app, ana) is RegistrationState.CONFIRMED


def test_check_in_with_a_ticket_records_attendance_once() -> None:
    app = InMemoryEvents()
    event_id = an_event(app)
    ana = register(app, event_id, "ana")
    ticket = app.handle(
        reg.IssueTicket(actor=member("ana"), event_id=event_id, registration_id=ana)
    )
    assert ticket.join_token == ""  # on site: no join link

    for _ in range(2):
        app.handle(reg.CheckIn(actor=EDITOR, token=ticket.check_in_token))

    assert state(app, ana) is RegistrationState.ATTENDED
    assert len(app.published("AttendanceRecorded")) == 1


def test_an_expired_ticket_is_refused() -> None:
    app = InMemoryEvents()
    event_id = an_event(app)
    ana = register(app, event_id, "ana")
    ticket = app.handle(
        reg.IssueTicket(actor=member("ana"), event_id=event_id, registration_id=ana)
    )
    app.clock.now = START + timedelta(hours=3, minutes=1) + timedelta(hours=12)
    with pytest.raises(PermissionDenied, match="expired"):
        app.handle(reg.CheckIn(actor=EDITOR, token=ticket.check_in_token))


def test_a_join_link_opens_the_stream_and_records_online_attendance() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, online_places=5, stream_url="https://stream.example/live")
    ana = register(app, event_id, "ana", Mode.ONLINE)
    ticket = app.handle(
        reg.IssueTicket(actor=member("ana"), event_id=event_id, registration_id=ana)
    )

    joined = app.handle(reg.JoinOnline(token=ticket.join_token))

    assert joined.stream_url == "https://stream.example/live"
    assert app.published("AttendanceRecorded")[0]["via"] == "online"


def test_check_in_to_an_unknown_session_is_invalid() -> None:
    app = InMemoryEvents()
    event_id = an_event(app)
    ana = register(app, event_id, "ana")
    ticket = app.handle(
        reg.IssueTicket(actor=member("ana"), event_id=event_id, registration_id=ana)
    )
    with pytest.raises(InvalidArgument):
        app.handle(reg.CheckIn(actor=EDITOR, token=ticket.check_in_token, session_id="nope"))


def test_a_forgotten_person_is_erased_and_their_place_offered_on() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, waiting_list=True)
    ana = register(app, event_id, "ana")
    ben = register(app, event_id, "ben")
    forgotten = registry.PersonForgotten(person_id="ana", occurred_at=NOW)
    context = delivered(forgotten)

    app.handle(forgotten, context)

    erased = app.registration(ana)
    assert erased.person_id == "" and erased.answers == {}
    assert state(app, ben) is RegistrationState.OFFERED
    requested = next(
        e for e in app.records.stream(f"registration-{ana}") if e.type == "RegistrationRequested"
    )
    assert requested.data["person_id"] == ""
    with pytest.raises(DuplicateDelivery):
        app.handle(forgotten, context)


@settings(max_examples=40, deadline=None)
@given(
    places=st.integers(1, 4),
    steps=st.lists(
        st.tuples(st.sampled_from(["register", "cancel", "lapse"]), st.integers(0, 7)), max_size=30
    ),
)
def test_an_event_is_never_overbooked(places: int, steps: list[tuple[str, int]]) -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=places, waiting_list=True)
    made: dict[int, str] = {}
    for action, person in steps:
        if action == "register":
            made[person] = register(app, event_id, f"p{person}")
        elif action == "cancel" and person in made:
            cancel = reg.CancelRegistration(
                actor=member(f"p{person}"), event_id=event_id, registration_id=made[person]
            )
            with contextlib.suppress(NotCancellable):  # cancelled already: a rule
                app.handle(cancel)
        elif action == "lapse":
            app.clock.advance(hours=49)
            app.handle(reg.LapseOffers())
        holding = [r for r in made.values() if state(app, r) in HOLDS_PLACE]
        assert len(holding) <= places


def test_a_group_is_decided_in_arrival_order_and_a_refused_registration_fails_alone() -> None:
    """What the api's group desk hands ``register_group``: each caller's own ids stay theirs."""
    app = InMemoryEvents()
    event_id = an_event(app, places=1, waiting_list=True, ticket_types=["standard"])

    def sent(person: str, ticket_type: str = "standard") -> Submitted[reg.RegisterForEvent]:
        command = reg.RegisterForEvent(
            actor=member(person), event_id=event_id, mode=Mode.ON_SITE, ticket_type=ticket_type
        )
        return Submitted(command, MessageContext(correlation_id=f"call-{person}"))

    group = [sent("ana"), sent("ben", "vip"), sent("cleo"), sent("ana")]
    ana, ben, cleo, ana_again = register_group(group, app.bus.dependencies)

    assert isinstance(ben, InvalidArgument)
    assert not isinstance(ana, Exception) and not isinstance(cleo, Exception)
    assert ana_again == ana  # the same person twice in a group: one registration
    assert state(app, ana.registration_id) is RegistrationState.CONFIRMED
    assert state(app, cleo.registration_id) is RegistrationState.WAITLISTED
    assert ana.view is not None and ana.view.state is RegistrationState.CONFIRMED
    (confirmed,) = app.records.published("RegistrationConfirmed")
    (waitlisted,) = app.records.published("RegistrationWaitlisted")
    assert confirmed.headers["correlation_id"] == "call-ana"
    assert waitlisted.headers["correlation_id"] == "call-cleo"
    stored = {e.stream_id: e.metadata["correlation_id"] for e in app.records.events}
    assert stored[Registration.stream_id_for(cleo.registration_id)] == "call-cleo"
