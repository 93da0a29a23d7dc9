"""Membership use cases: a person applies for themself, an editor decides."""

from __future__ import annotations

from ecbm_registry.adapters import people_views
from ecbm_registry.adapters.people.views import MembershipView
from ecbm_registry.application.people import commands
from ecbm_registry.application.people.handlers import UnitOfWorkFactory, load_person, people_work
from ecbm_registry.domain.membership import Membership
from ecbm_registry.domain.people_errors import MembershipNotFound
from ecbm_runtime.uow import UnitOfWork


def _saved(work: UnitOfWork, person_id: str) -> MembershipView:
    work.flush()
    view = people_views.membership(work.connection, person_id)
    work.commit()
    if view is None:
        raise MembershipNotFound(person_id)
    return view


def _membership(work: UnitOfWork, person_id: str) -> Membership:
    load_person(work, person_id)  # a forgotten person has no membership to decide on
    membership = work.repository(Membership).find(person_id)
    if membership is None:
        raise MembershipNotFound(person_id)
    return membership


def apply_for_membership(
    command: commands.ApplyForMembership, uow: UnitOfWorkFactory
) -> MembershipView:
    command.actor.require_self_or_editor(command.person_id)
    with people_work(uow) as work:
        load_person(work, command.person_id)
        repository = work.repository(Membership)
        membership = repository.find(command.person_id)
        if membership is None:
            repository.add(Membership.apply_for(command.person_id, command.motivation))
        else:
            membership.reapply(command.motivation)
        return _saved(work, command.person_id)


def approve_membership(
    command: commands.ApproveMembership, uow: UnitOfWorkFactory
) -> MembershipView:
    command.actor.require_editor()
    with people_work(uow) as work:
        _membership(work, command.person_id).approve(command.actor.subject)
        return _saved(work, command.person_id)


def decline_membership(
    command: commands.DeclineMembership, uow: UnitOfWorkFactory
) -> MembershipView:
    command.actor.require_editor()
    with people_work(uow) as work:
        _membership(work, command.person_id).decline(command.actor.subject, command.reason)
        return _saved(work, command.person_id)


def end_membership(command: commands.EndMembership, uow: UnitOfWorkFactory) -> MembershipView:
    """A member may end their own membership; only an editor records that it lapsed."""
    if command.lapsed:
        command.actor.require_editor()
    command.actor.require_self_or_editor(command.person_id)
    with people_work(uow) as work:
        membership = _membership(work, command.person_id)
        if command.lapsed:
            membership.lapse(command.reason)
        else:
            membership.end(command.reason)
        return _saved(work, command.person_id)
