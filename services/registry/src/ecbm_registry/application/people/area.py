"""The people area of the registry: members, expertise, learning goals and membership."""

from __future__ import annotations

from ecbm_integration import registry as published
from ecbm_registry.adapters.people.projections import PEOPLE_PROJECTIONS
from ecbm_registry.adapters.people.read_models import PEOPLE_READ_MODEL_TABLES
from ecbm_registry.application.people.handlers import HANDLERS
from ecbm_registry.application.people.integration import PEOPLE_INTEGRATION
from ecbm_registry.domain import membership as m
from ecbm_registry.domain import person as p
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.outbox import IntegrationEventLike
from ecbm_runtime.wiring import Area

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
# Fields sealed with the person's key in the event store (see adapters/people/personal_data.py).
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

# Integration events whose bodies carry contact details: their outbox rows name the person
# (the subject), so forgetting them drops those not yet published.
CONTACT_EVENTS = (published.PersonJoined, published.PersonUpdated)


def contact_subject(event: IntegrationEventLike) -> str | None:
    """The person a published event carries contact details of, if it does."""
    return event.person_id if isinstance(event, CONTACT_EVENTS) else None


AREA = Area(
    domain_events=PERSON_EVENTS + MEMBERSHIP_EVENTS,
    projections=PEOPLE_PROJECTIONS,
    integration=PEOPLE_INTEGRATION,
    handlers=HANDLERS,
    read_model_tables=PEOPLE_READ_MODEL_TABLES,
)
