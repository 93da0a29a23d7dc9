"""People use cases: open a unit of work with the personal-data keys, load, call, commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ecbm_registry.adapters import people_views, personal_data
from ecbm_registry.adapters.people.views import PersonView
from ecbm_registry.application.people import commands
from ecbm_registry.domain.membership import Membership, MembershipStatus
from ecbm_registry.domain.people_errors import PersonNotFound
from ecbm_registry.domain.person import Person, Profile
from ecbm_runtime.errors import FieldViolation, InvalidArgument, Unauthenticated
from ecbm_runtime.eventstore import VersionConflict
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

UnitOfWorkFactory = Callable[..., UnitOfWork]
# Integration events whose bodies carry contact details (scrubbed from the outbox on forget).
CONTACT_EVENTS = ("PersonJoined", "PersonUpdated")


@contextmanager
def people_work(uow: UnitOfWorkFactory, **options: Any) -> Iterator[UnitOfWork]:
    """A unit of work whose codec can seal and open personal data in its transaction."""
    with uow(**options) as work, personal_data.keys_on(work.connection):
        yield work


def load_person(work: UnitOfWork, person_id: str) -> Person:
    """The person, unless unknown or forgotten (both read as NOT_FOUND)."""
    person = work.repository(Person).find(person_id)
    if person is None or person.forgotten:
        raise PersonNotFound(person_id)
    return person


def saved_person(work: UnitOfWork, person_id: str) -> PersonView:
    work.flush()
    view = people_views.person(work.connection, person_id)
    work.commit()
    if view is None:
        raise PersonNotFound(person_id)
    return view


def joining_id(command: commands.JoinNetwork) -> str:
    """Editors add people under fresh ids; anyone else joins as their token's subject."""
    actor = command.actor
    if actor.is_editor:
        return new_id("person", command.request_id)
    if not actor.subject:
        raise Unauthenticated("joining needs a bearer token")
    if not commands.PERSON_ID.fullmatch(actor.subject):
        violation = FieldViolation("authorization", "token subject is not usable as a person id")
        raise InvalidArgument(violation)
    return actor.subject


def join_network(command: commands.JoinNetwork, uow: UnitOfWorkFactory) -> PersonView:
    person_id = joining_id(command)
    with people_work(uow) as work:
        repository = work.repository(Person)
        if not repository.exists(person_id):
            repository.add(Person.join(person_id, Profile(**command.person.model_dump())))
        return saved_person(work, person_id)


def update_person(command: commands.UpdatePerson, uow: UnitOfWorkFactory) -> PersonView:
    command.actor.require_self_or_editor(command.person_id)
    with people_work(uow) as work:
        person = load_person(work, command.person_id)
        expected = command.expected_version
        if expected and person.version != expected:
            raise VersionConflict(person.stream_id, expected, person.version)
        changes = command.person.model_dump(exclude_unset=True)
        person.change_profile(Profile(**{**person.profile.model_dump(), **changes}))
        return saved_person(work, command.person_id)


def declare_expertise(command: commands.DeclareExpertise, uow: UnitOfWorkFactory) -> PersonView:
    command.actor.require_self_or_editor(command.person_id)
    with people_work(uow) as work:
        expertise = command.expertise
        person = load_person(work, command.person_id)
        person.declare_expertise(expertise.topic, expertise.level, expertise.description)
        return saved_person(work, command.person_id)


def withdraw_expertise(command: commands.WithdrawExpertise, uow: UnitOfWorkFactory) -> PersonView:
    command.actor.require_self_or_editor(command.person_id)
    with people_work(uow) as work:
        load_person(work, command.person_id).withdraw_expertise(command.topic)
        return saved_person(work, command.person_id)


def declare_learning_goal(
    command: commands.DeclareLearningGoal, uow: UnitOfWorkFactory
) -> PersonView:
    command.actor.require_self_or_editor(command.person_id)
    with people_work(uow) as work:
        goal = command.learning_goal
        load_person(work, command.person_id).declare_learning_goal(goal.topic, goal.description)
        return saved_person(work, command.person_id)


def withdraw_learning_goal(
    command: commands.WithdrawLearningGoal, uow: UnitOfWorkFactory
) -> PersonView:
    command.actor.require_self_or_editor(command.person_id)
    with people_work(uow) as work:
        load_person(work, command.person_id).withdraw_learning_goal(command.topic)
        return saved_person(work, command.person_id)


def forget_person(command: commands.ForgetPerson, uow: UnitOfWorkFactory) -> None:
    """Record the forgetting, end an approved membership, then shred the person's key.

    The key goes after the flush: the events written here are sealed with it first.
    """
    command.actor.require_self_or_editor(command.person_id)
    with people_work(uow) as work:
        membership = work.repository(Membership).find(command.person_id)
        if membership is not None and membership.status is MembershipStatus.APPROVED:
            membership.end("person forgotten")
        load_person(work, command.person_id).forget()
        work.flush()
        personal_data.shred(work.connection, command.person_id)
        personal_data.scrub_outbox(work.connection, command.person_id, CONTACT_EVENTS)
        work.commit()
