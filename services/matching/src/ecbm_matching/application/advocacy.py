"""The Brussels advocacy programme of a Meet & Match: national delegations, registry's
policy contacts (ids, kind, country, stance, topics, committee: nothing personal), their
time windows, delegations' visits, and which contacts each delegation should ask for."""

from __future__ import annotations

from dataclasses import dataclass

from ecbm_integration import registry
from ecbm_matching.adapters.meet_and_match import ContactView, DelegationView
from ecbm_matching.application import commands as c
from ecbm_matching.application.dependencies import MatchingDependencies
from ecbm_matching.application.meet_and_match import _found
from ecbm_matching.domain import advocacy
from ecbm_matching.domain.meet_and_match import (
    MeetAndMatchNotFound,
    MeetingRequest,
    NotAParticipant,
)
from ecbm_runtime.errors import FieldViolation, InvalidArgument, NotFound
from ecbm_runtime.ids import new_id


class DelegationNotFound(NotFound):
    """No delegation has this id in this Meet & Match, or the caller is not in it."""


class ContactNotFound(NotFound):
    """No policy contact has this id (or it was withdrawn)."""


def on_policy_contact_added(event: registry.PolicyContactAdded, deps: MatchingDependencies) -> None:
    with deps.uow() as work:
        work.views.meet_and_match.save_contact(
            ContactView(
                event.policy_contact_id,
                event.kind,
                event.country,
                event.stance,
                list(event.topics),
                event.committee,
            )
        )
        work.commit()


def on_policy_contact_updated(
    event: registry.PolicyContactUpdated, deps: MatchingDependencies
) -> None:
    """Only the fields of the change count; the rest is kept from earlier events."""
    with deps.uow() as work:
        views = work.views.meet_and_match
        if event.change == "WITHDRAWN":
            views.withdraw_contact(event.policy_contact_id)
        else:
            (known,) = views.contacts([event.policy_contact_id]) or (None,)
            if known is not None:
                if event.change == "DETAILS":
                    known = ContactView(
                        known.id,
                        event.kind or known.kind,
                        event.country or known.country,
                        known.stance,
                        list(event.topics),
                        event.committee,
                    )
                else:
                    known = ContactView(
                        known.id,
                        known.kind,
                        known.country,
                        event.stance or known.stance,
                        known.topics,
                        known.committee,
                    )
                views.save_contact(known)
        work.commit()


def define_delegation(command: c.DefineDelegation, deps: MatchingDependencies) -> str:
    """Organisers; defining the same id again replaces it."""
    command.actor.require_editor("organise a Meet & Match")
    with deps.uow() as work:
        _found(work, command.event_id)
        views = work.views.meet_and_match
        for i, member in enumerate(command.members):
            if not views.takes_part(command.event_id, member):
                raise NotAParticipant(f"members[{i}] {member!r} is not registered")
        other = [
            d
            for d in views.delegations(command.event_id)
            if d.id != command.delegation_id and set(d.members) & set(command.members)
        ]
        if other:
            raise InvalidArgument(
                FieldViolation("members", f"already in delegation {other[0].id!r}")
            )
        views.save_delegation(
            DelegationView(
                command.delegation_id,
                command.event_id,
                command.name,
                command.country,
                list(command.topics),
                list(command.committees),
                list(dict.fromkeys(command.members)),
            )
        )
        work.commit()
    return command.delegation_id


def set_contact_windows(command: c.SetContactWindows, deps: MatchingDependencies) -> str:
    command.actor.require_editor("organise a Meet & Match")
    for i, window in enumerate(command.windows):
        if window.ends_at <= window.starts_at:
            raise InvalidArgument(FieldViolation(f"windows[{i}]", "ends before it starts"))
    with deps.uow() as work:
        _found(work, command.event_id)
        views = work.views.meet_and_match
        if not views.contacts([command.contact_id]):
            raise ContactNotFound(f"policy contact {command.contact_id!r} does not exist")
        views.set_windows(
            command.event_id,
            command.contact_id,
            [w.model_dump(mode="json") for w in command.windows],
        )
        work.commit()
    return command.contact_id


def book_visit(command: c.BookVisit, deps: MatchingDependencies) -> str:
    """Organisers book a delegation's visit to a contact (accepted: it is agreed with the
    contact's office); the scheduler places it with the whole delegation busy."""
    command.actor.require_editor("organise a Meet & Match")
    with deps.uow() as work:
        _found(work, command.event_id)
        views = work.views.meet_and_match
        if not any(d.id == command.delegation_id for d in views.delegations(command.event_id)):
            raise DelegationNotFound(f"delegation {command.delegation_id!r} does not exist")
        if not views.contacts([command.contact_id]):
            raise ContactNotFound(f"policy contact {command.contact_id!r} does not exist")
        for booked in views.meetings(command.event_id, state="accepted"):
            if booked.visit and (booked.from_id, booked.to_id) == (
                command.delegation_id,
                command.contact_id,
            ):
                return booked.id  # booked before: one visit per delegation and contact
        meeting_id = new_id("meeting")
        work.repository(MeetingRequest).add(
            MeetingRequest.book_visit(
                meeting_id, command.event_id, command.delegation_id, command.contact_id
            )
        )
        work.commit()
    return meeting_id


@dataclass(frozen=True)
class DelegationPage:
    delegations: list[DelegationView]
    next_offset: int | None
    total_size: int


def list_delegations(query: c.ListDelegations, deps: MatchingDependencies) -> DelegationPage:
    """Organisers see every delegation; anyone else the ones they are a member of (an empty
    list when none: whether others exist is not theirs to know). An unknown Meet & Match is
    NOT_FOUND, as for `GetMeetAndMatch`."""
    actor = query.actor
    with deps.read() as views:
        if views.meet_and_match.event(query.event_id) is None:
            raise MeetAndMatchNotFound(f"Meet & Match {query.event_id!r} does not exist")
        if not actor.is_editor and not actor.subject:
            return DelegationPage([], None, 0)
        found = views.meet_and_match.delegations(
            query.event_id, "" if actor.is_editor else actor.subject, query.country
        )
    end = query.offset + query.page_size
    return DelegationPage(found[query.offset : end], end if end < len(found) else None, len(found))


def suggest_contacts(
    query: c.SuggestContacts, deps: MatchingDependencies
) -> list[advocacy.Suggestion]:
    """For the delegation's members and organisers (NOT_FOUND to anyone else); contacts
    already booked are left out."""
    actor = query.actor
    with deps.read() as views:
        found = [
            d
            for d in views.meet_and_match.delegations(query.event_id)
            if d.id == query.delegation_id
        ]
        if not found or not (actor.is_editor or actor.subject in found[0].members):
            raise DelegationNotFound(f"delegation {query.delegation_id!r} does not exist")
        delegation = found[0]
        booked = {
            m.to_id
            for m in views.meet_and_match.meetings(query.event_id, state="accepted")
            if m.visit and m.from_id == delegation.id
        }
        contacts = [
            advocacy.Contact(k.id, k.kind, k.country, k.stance, tuple(k.topics), k.committee)
            for k in views.meet_and_match.contacts()
            if k.id not in booked
        ]
    return advocacy.suggest(
        delegation.country, delegation.topics, contacts, delegation.committees, query.limit
    )
