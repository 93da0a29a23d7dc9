"""People use cases: members, their expertise and learning goals, memberships, export.

Commands return the person's id; the servicer reads the person (or membership) back
with a Get query. The unit of work's codec seals and opens personal data in its own
transaction, so a handler need not know about keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any, TypeAlias

from ecbm_registry.adapters.people.views import (
    MembershipPage,
    MembershipView,
    PeoplePage,
    PersonView,
)
from ecbm_registry.adapters.views import RegistryViews
from ecbm_registry.application.people import commands, queries
from ecbm_registry.domain.membership import Membership, MembershipStatus
from ecbm_registry.domain.people_errors import MembershipNotFound, PersonNotFound
from ecbm_registry.domain.person import Person, Profile
from ecbm_runtime.actor import Actor
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.errors import FieldViolation, InvalidArgument, Unauthenticated
from ecbm_runtime.eventstore import StoredEvent, VersionConflict
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_registry.bootstrap import RegistryDependencies

Work: TypeAlias = UnitOfWork[RegistryViews]


def load_person(work: Work, person_id: str) -> Person:
    """The person, unless unknown or forgotten (both read as NOT_FOUND)."""
    person = work.repository(Person).find(person_id)
    if person is None or person.forgotten:
        raise PersonNotFound(person_id)
    return person


def own_person_id(actor: Actor) -> str:
    """The id a member joins under: their token's subject."""
    if not actor.subject:
        raise Unauthenticated("joining needs a bearer token")
    if not commands.PERSON_ID.fullmatch(actor.subject):
        violation = FieldViolation("authorization", "token subject is not usable as a person id")
        raise InvalidArgument(violation)
    return actor.subject


def join_network(command: commands.JoinNetwork, deps: RegistryDependencies) -> str:
    """Editors add people under fresh ids (idempotent on request_id); anyone else joins as
    their token's subject (joining again changes nothing)."""
    with deps.uow() as work:
        if command.actor.is_editor:
            claim = work.claim_request("person", command.request_id, command)
            if claim.repeated:
                return claim.resource_id
            person_id = claim.resource_id
        else:
            person_id = own_person_id(command.actor)
        repository = work.repository(Person)
        if not repository.exists(person_id):
            repository.add(Person.join(person_id, Profile(**command.person.model_dump())))
        work.commit()
    return person_id


def update_person(command: commands.UpdatePerson, deps: RegistryDependencies) -> str:
    command.actor.require_self_or_editor(command.person_id)
    with deps.uow() as work:
        person = load_person(work, command.person_id)
        expected = command.expected_version
        if expected and person.version != expected:
            raise VersionConflict(person.stream_id, expected, person.version)
        changes = command.person.model_dump(exclude_unset=True)
        person.change_profile(Profile(**{**person.profile.model_dump(), **changes}))
        work.commit()
    return command.person_id


PersonChange = Callable[[Person, Any], None]


def _person_change(change: PersonChange) -> Callable[[Any, RegistryDependencies], str]:
    """A use case on one's own profile (or an editor's): load the person, ``change``, save."""

    def handle(command: Any, deps: RegistryDependencies) -> str:
        command.actor.require_self_or_editor(command.person_id)
        with deps.uow() as work:
            change(load_person(work, command.person_id), command)
            work.commit()
        return str(command.person_id)

    return handle


def _declare_expertise(person: Person, command: commands.DeclareExpertise) -> None:
    expertise = command.expertise
    person.declare_expertise(expertise.topic, expertise.level, expertise.description)


def _withdraw_expertise(person: Person, command: commands.WithdrawExpertise) -> None:
    person.withdraw_expertise(command.topic)


def _declare_learning_goal(person: Person, command: commands.DeclareLearningGoal) -> None:
    goal = command.learning_goal
    person.declare_learning_goal(goal.topic, goal.description)


def _withdraw_learning_goal(person: Person, command: commands.WithdrawLearningGoal) -> None:
    person.withdraw_learning_goal(command.topic)


declare_expertise = _person_change(_declare_expertise)
withdraw_expertise = _person_change(_withdraw_expertise)
declare_learning_goal = _person_change(_declare_learning_goal)
withdraw_learning_goal = _person_change(_withdraw_learning_goal)


def forget_person(command: commands.ForgetPerson, deps: RegistryDependencies) -> str:
    """Record the forgetting, end an approved membership, then shred the person's key.

    The key goes after the flush: the events written here are sealed with it first. The
    outbox rows with their (sealed) contact details go too, published or not (their
    subject is the person).
    """
    command.actor.require_self_or_editor(command.person_id)
    with deps.uow() as work:
        membership = work.repository(Membership).find(command.person_id)
        if membership is not None and membership.status is MembershipStatus.APPROVED:
            membership.end("person forgotten")
        load_person(work, command.person_id).forget()
        work.flush()
        work.views.people.shred_key(command.person_id)
        work.forget_subject(command.person_id)
        work.commit()
    return command.person_id


def _membership(work: Work, person_id: str) -> Membership:
    load_person(work, person_id)  # a forgotten person has no membership to decide on
    membership = work.repository(Membership).find(person_id)
    if membership is None:
        raise MembershipNotFound(person_id)
    return membership


def apply_for_membership(command: commands.ApplyForMembership, deps: RegistryDependencies) -> str:
    command.actor.require_self_or_editor(command.person_id)
    with deps.uow() as work:
        load_person(work, command.person_id)
        repository = work.repository(Membership)
        membership = repository.find(command.person_id)
        if membership is None:
            repository.add(Membership.apply_for(command.person_id, command.motivation))
        else:
            membership.reapply(command.motivation)
        work.commit()
    return command.person_id


def approve_membership(command: commands.ApproveMembership, deps: RegistryDependencies) -> str:
    command.actor.require_editor("decide on memberships")
    with deps.uow() as work:
        _membership(work, command.person_id).approve(command.actor.subject)
        work.commit()
    return command.person_id


def decline_membership(command: commands.DeclineMembership, deps: RegistryDependencies) -> str:
    command.actor.require_editor("decide on memberships")
    with deps.uow() as work:
        _membership(work, command.person_id).decline(command.actor.subject, command.reason)
        work.commit()
    return command.person_id


def end_membership(command: commands.EndMembership, deps: RegistryDependencies) -> str:
    """A member may end their own membership; only an editor records that it lapsed."""
    if command.lapsed:
        command.actor.require_editor("decide on memberships")
    command.actor.require_self_or_editor(command.person_id)
    with deps.uow() as work:
        membership = _membership(work, command.person_id)
        if command.lapsed:
            membership.lapse(command.reason)
        else:
            membership.end(command.reason)
        work.commit()
    return command.person_id


def get_person(query: queries.GetPerson, deps: RegistryDependencies) -> PersonView:
    """Unlisted people read as NOT_FOUND to anyone but themself and editors."""
    with deps.read() as read:
        found = read.people.person(query.person_id)
    if found is None:
        raise PersonNotFound(query.person_id)
    if not (found.listed_in_directory or query.actor.sees_unlisted(query.person_id)):
        raise PersonNotFound(query.person_id)
    return as_seen_by(query.actor, found)


def list_people(query: queries.ListPeople, deps: RegistryDependencies) -> PeoplePage:
    with deps.read() as read:
        page = read.people.list_people(query, listed_only=not query.actor.is_editor)
    return replace(page, people=[as_seen_by(query.actor, p) for p in page.people])


def as_seen_by(actor: Actor, person: PersonView) -> PersonView:
    """E-mail addresses are for the person and editors; the directory hides them."""
    return person if actor.sees_unlisted(person.id) else replace(person, email="")


def get_membership(query: queries.GetMembership, deps: RegistryDependencies) -> MembershipView:
    query.actor.require_self_or_editor(query.person_id)
    with deps.read() as read:
        found = read.people.membership(query.person_id)
    if found is None:
        raise MembershipNotFound(query.person_id)
    return found


def list_memberships(query: queries.ListMemberships, deps: RegistryDependencies) -> MembershipPage:
    query.actor.require_editor("decide on memberships")
    with deps.read() as read:
        return read.people.list_memberships(query)


def export_person(query: queries.ExportPerson, deps: RegistryDependencies) -> str:
    """Everything held about a person as JSON: read models and their opened history."""
    query.actor.require_self_or_editor(query.person_id)
    with deps.read() as read:
        person = read.people.person(query.person_id)
        if person is None:
            raise PersonNotFound(query.person_id)
        membership = read.people.membership(query.person_id)
        streams = [cls.stream_id_for(query.person_id) for cls in (Person, Membership)]
        history = [_history_entry(record, event) for record, event in read.people.history(streams)]
    export = {
        "person": asdict(person),
        "membership": asdict(membership) if membership else None,
        "history": history,
    }
    return json.dumps(export, default=str, ensure_ascii=False, indent=2)


def _history_entry(record: StoredEvent, event: DomainEvent) -> dict[str, Any]:
    return {
        "stream": record.stream_id,
        "version": record.version,
        "type": record.type,
        "recorded_at": record.recorded_at.isoformat(),
        "data": event.model_dump(mode="json"),
    }


HANDLERS: dict[type, Callable[[Any, RegistryDependencies], Any]] = {
    commands.JoinNetwork: join_network,
    commands.UpdatePerson: update_person,
    commands.DeclareExpertise: declare_expertise,
    commands.WithdrawExpertise: withdraw_expertise,
    commands.DeclareLearningGoal: declare_learning_goal,
    commands.WithdrawLearningGoal: withdraw_learning_goal,
    commands.ForgetPerson: forget_person,
    commands.ApplyForMembership: apply_for_membership,
    commands.ApproveMembership: approve_membership,
    commands.DeclineMembership: decline_membership,
    commands.EndMembership: end_membership,
    queries.GetPerson: get_person,
    queries.ListPeople: list_people,
    queries.GetMembership: get_membership,
    queries.ListMemberships: list_memberships,
    queries.ExportPerson: export_person,
}
