"""Handlers of the contributions area: ``handler(message, deps)``, one per use case."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ecbm_events.adapters.contributions.views import ContributionPage, ContributionView
from ecbm_events.application.contributions.commands import (
    ContributionCommand,
    GetContribution,
    ListContributions,
    ProposeContribution,
    ReviewContribution,
    ReviseContribution,
    SlotInput,
)
from ecbm_events.domain.contribution import Contribution, ContributionNotFound
from ecbm_events.domain.event import Event, EventNotFound
from ecbm_events.domain.times import utc
from ecbm_events.domain.timetable import Slot
from ecbm_integration import events as published
from ecbm_runtime.errors import FieldViolation, InvalidArgument, RuleViolation
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_events.adapters.views import EventsViews
    from ecbm_events.application.dependencies import EventsDependencies


class CallClosed(RuleViolation):
    """The event has started: its call for contributions is closed."""


def propose_contribution(command: ProposeContribution, deps: EventsDependencies) -> str:
    """The new contribution's id; a retried ``request_id`` gets the first one's."""
    person = command.actor.require_subject()
    key = f"{command.event_id}:{person}:{command.request_id}" if command.request_id else ""
    contribution_id = new_id("contribution", key)
    with deps.uow() as work:
        event = work.repository(Event).find(command.event_id)
        if event is None or not (event.published or command.actor.is_editor):
            raise EventNotFound(f"event {command.event_id!r} does not exist")
        if deps.clock() >= event.details.starts_at:
            raise CallClosed("the event has started: its call for contributions is closed")
        contributions = work.repository(Contribution)
        if not contributions.exists(contribution_id):
            contributions.add(
                Contribution.propose(
                    contribution_id, event.id, person, command.title, command.abstract
                )
            )
            work.commit()
    return contribution_id


def review_contribution(command: ReviewContribution, deps: EventsDependencies) -> str:
    """Accept (into the timetable, in one commit with the session), reject or ask for changes."""
    with deps.uow() as work:
        contribution = _contribution(work, command, proposer=False)
        if command.decision == "reject":
            contribution.reject(command.note)
        elif command.decision == "request_changes":
            contribution.request_changes(command.note)
        else:
            _accept(work, contribution, command, deps.clock())
        work.commit()
    return command.contribution_id


def revise_contribution(command: ReviseContribution, deps: EventsDependencies) -> str:
    with deps.uow() as work:
        _contribution(work, command, editors=False).revise(command.title, command.abstract)
        work.commit()
    return command.contribution_id


def get_contribution(query: GetContribution, deps: EventsDependencies) -> ContributionView:
    with deps.read() as views:
        found = views.contributions.contribution(query.contribution_id)
    actor = query.actor
    if (
        found is None
        or found.event_id != query.event_id
        or not (actor.is_editor or actor.owns(found.person_id))
    ):
        raise ContributionNotFound(f"contribution {query.contribution_id!r} does not exist")
    return found


def list_contributions(query: ListContributions, deps: EventsDependencies) -> ContributionPage:
    """Editors: all of the event's. Members: their own."""
    person = None if query.actor.is_editor else query.actor.require_subject()
    with deps.read() as views:
        return views.contributions.page(
            event_id=query.event_id, person_id=person, size=query.page_size, offset=query.offset
        )


def _accept(
    work: UnitOfWork[EventsViews],
    contribution: Contribution,
    command: ReviewContribution,
    now: datetime,
) -> None:
    if command.session is None:
        raise InvalidArgument(FieldViolation("session", "say when and where to accept it"))
    event = work.repository(Event).get(contribution.event_id)
    slot = _slot(event, contribution, command.session)
    event.add_session(slot)  # an overlap in the room: INVALID_ARGUMENT naming both
    contribution.accept(slot.id, command.note)
    accepted = published.ContributionAccepted(
        contribution_id=contribution.id,
        event_id=event.id,
        person_id=contribution.person_id,
        title=contribution.title,
        occurred_at=now,
    )
    work.publish(accepted, subject=contribution.person_id)


def _slot(event: Event, contribution: Contribution, session: SlotInput) -> Slot:
    return Slot(
        id=f"s{len(event.sessions) + 1}",
        title=contribution.title,
        starts_at=utc(session.start_time),
        ends_at=utc(session.end_time),
        room=session.room,
        online=session.online,
        speakers=(f"people/{contribution.person_id}",),
        abstract=contribution.abstract,
    )


def _contribution(
    work: UnitOfWork[EventsViews],
    command: ContributionCommand,
    proposer: bool = True,
    editors: bool = True,
) -> Contribution:
    """The contribution if the caller may act on it; NOT_FOUND otherwise."""
    found = work.repository(Contribution).find(command.contribution_id)
    actor = command.actor
    allowed = found is not None and (
        (proposer and actor.owns(found.person_id)) or (editors and actor.is_editor)
    )
    if found is None or found.event_id != command.event_id or not allowed:
        raise ContributionNotFound(f"contribution {command.contribution_id!r} does not exist")
    return found
