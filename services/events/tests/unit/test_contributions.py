"""Calls for contributions: members propose, editors review, accepted ones join the timetable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from events_fakes import EDITOR, START, InMemoryEvents, an_event, delivered, member

from ecbm_events.application.contributions import commands as contrib
from ecbm_events.application.contributions.commands import SlotInput
from ecbm_events.application.programme.commands import AddSession, SessionInput
from ecbm_events.domain.contribution import (
    Contribution,
    ContributionNotFound,
    ContributionState,
    NoChangesRequested,
    NotAwaitingReview,
)
from ecbm_events.domain.event import Event
from ecbm_integration import registry
from ecbm_runtime.errors import InvalidArgument, RuleViolation

SLOT = SlotInput(start_time=START, end_time=START + timedelta(hours=1), room="Atrium")
OPENING = SessionInput(
    title="Opening", start_time=START, end_time=START + timedelta(hours=1), room="Atrium"
)


def propose(app: InMemoryEvents, event_id: str, person: str = "ana") -> str:
    command = contrib.ProposeContribution(
        actor=member(person),
        event_id=event_id,
        title="Peer mentoring in prisons",
        abstract="What works.",
    )
    return str(app.handle(command))


def review(
    app: InMemoryEvents, event_id: str, contribution_id: str, decision: str, **extra: object
) -> None:
    fields = {
        "actor": EDITOR,
        "event_id": event_id,
        "contribution_id": contribution_id,
        "decision": decision,
    }
    app.handle(contrib.ReviewContribution.model_validate({**fields, **extra}))


def test_an_accepted_contribution_joins_the_timetable_with_its_proposer_as_speaker() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=10)
    contribution_id = propose(app, event_id)

    review(app, event_id, contribution_id, "accept", session=SLOT, note="Welcome!")

    event = app.aggregate(Event, event_id)
    (session,) = event.sessions
    assert (session.title, session.speakers) == ("Peer mentoring in prisons", ("people/ana",))
    (accepted,) = app.published("ContributionAccepted")
    assert (accepted["person_id"], accepted["event_id"]) == ("ana", event_id)


def test_accepting_into_an_occupied_room_is_invalid_and_changes_nothing() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=10)
    app.handle(AddSession(actor=EDITOR, event_id=event_id, session=OPENING))
    contribution_id = propose(app, event_id)

    with pytest.raises(InvalidArgument, match="overlaps session 'Opening'"):
        review(app, event_id, contribution_id, "accept", session=SLOT)
    assert app.aggregate(Contribution, contribution_id).state is ContributionState.PROPOSED


def test_changes_are_asked_for_then_revised_then_rejected() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=10)
    contribution_id = propose(app, event_id)
    with pytest.raises(NoChangesRequested):
        app.handle(
            contrib.ReviseContribution(
                actor=member("ana"), event_id=event_id, contribution_id=contribution_id, title="x"
            )
        )

    review(app, event_id, contribution_id, "request_changes", note="Shorter, please")
    with pytest.raises(NotAwaitingReview):
        review(app, event_id, contribution_id, "reject")
    app.handle(
        contrib.ReviseContribution(
            actor=member("ana"), event_id=event_id, contribution_id=contribution_id, title="Prisons"
        )
    )
    review(app, event_id, contribution_id, "reject", note="Not this year")

    contribution = app.aggregate(Contribution, contribution_id)
    assert (contribution.state, contribution.title) == (ContributionState.REJECTED, "Prisons")


def test_another_member_can_neither_see_nor_revise_a_contribution() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=10)
    contribution_id = propose(app, event_id)
    with pytest.raises(ContributionNotFound):
        app.handle(
            contrib.GetContribution(
                actor=member("ben"), event_id=event_id, contribution_id=contribution_id
            )
        )
    page = app.handle(contrib.ListContributions(actor=member("ben"), event_id=event_id))
    assert page.contributions == []


def test_no_proposals_once_the_event_started() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=10)
    app.clock.now = START
    with pytest.raises(RuleViolation, match="call for contributions is closed"):
        propose(app, event_id)


def test_a_forgotten_proposer_is_erased_from_their_contributions() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=10)
    contribution_id = propose(app, event_id)
    forgotten = registry.PersonForgotten(person_id="ana", occurred_at=START)
    app.handle(forgotten, delivered(forgotten))

    assert app.aggregate(Contribution, contribution_id).person_id == ""
    proposed = app.records.stream(f"contribution-{contribution_id}")[0]
    assert proposed.data["person_id"] == ""
