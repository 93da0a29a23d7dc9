"""The people area of the registry: members, expertise, learning goals and membership."""

from __future__ import annotations

from ecbm_registry.adapters.people.projections import PEOPLE_PROJECTIONS
from ecbm_registry.adapters.people.read_models import PEOPLE_READ_MODEL_TABLES
from ecbm_registry.application.area import Area
from ecbm_registry.application.people import (
    commands,
    handlers,
    membership_handlers,
    queries,
    query_handlers,
)
from ecbm_registry.application.people.integration import PEOPLE_INTEGRATION
from ecbm_registry.domain import membership as m
from ecbm_registry.domain import person as p
from ecbm_runtime.aggregate import DomainEvent

PERSON_EVENTS: tuple[type[DomainEvent], ...] = (
    p.PersonJoined,
    p.PersonProfileChanged,
    p.ExpertiseDeclared,
    p.ExpertiseWithdrawn,
    p.LearningGoalDeclared,
    p.LearningGoalWithdrawn,
    p.PersonForgotten,
)
MEMBERSHIP_EVENTS: tuple[type[DomainEvent], ...] = (
    m.MembershipApplied,
    m.MembershipApproved,
    m.MembershipDeclined,
    m.MembershipLapsed,
    m.MembershipEnded,
)

_PROFILE = tuple(f"profile.{name}" for name in p.PERSONAL_PROFILE_FIELDS)
# Fields sealed with the person's key in the event store (see adapters/personal_data.py).
SEALED_FIELDS: dict[type[DomainEvent], tuple[str, ...]] = {
    p.PersonJoined: _PROFILE,
    p.PersonProfileChanged: _PROFILE,
    p.ExpertiseDeclared: ("description",),
    p.LearningGoalDeclared: ("description",),
    m.MembershipApplied: ("motivation",),
    m.MembershipDeclined: ("reason",),
    m.MembershipLapsed: ("reason",),
    m.MembershipEnded: ("reason",),
}

AREA = Area(
    domain_events=PERSON_EVENTS + MEMBERSHIP_EVENTS,
    projections=PEOPLE_PROJECTIONS,
    integration=PEOPLE_INTEGRATION,
    command_handlers={
        commands.JoinNetwork: handlers.join_network,
        commands.UpdatePerson: handlers.update_person,
        commands.DeclareExpertise: handlers.declare_expertise,
        commands.WithdrawExpertise: handlers.withdraw_expertise,
        commands.DeclareLearningGoal: handlers.declare_learning_goal,
        commands.WithdrawLearningGoal: handlers.withdraw_learning_goal,
        commands.ForgetPerson: handlers.forget_person,
        commands.ApplyForMembership: membership_handlers.apply_for_membership,
        commands.ApproveMembership: membership_handlers.approve_membership,
        commands.DeclineMembership: membership_handlers.decline_membership,
        commands.EndMembership: membership_handlers.end_membership,
        # Export opens sealed history, which needs a unit of work's codec (read-only).
        queries.ExportPerson: query_handlers.export_person,
    },
    query_handlers={
        queries.GetPerson: query_handlers.get_person,
        queries.ListPeople: query_handlers.list_people,
        queries.GetMembership: query_handlers.get_membership,
        queries.ListMemberships: query_handlers.list_memberships,
    },
    read_model_tables=PEOPLE_READ_MODEL_TABLES,
)
