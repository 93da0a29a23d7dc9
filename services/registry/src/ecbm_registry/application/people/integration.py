"""People's published language: domain events → integration events, in one place.

Only what consumers need leaves the registry: contact details for notify, topics for
matching, membership decisions for quality. Free texts and bios never do.
"""

from __future__ import annotations

from ecbm_integration import registry as published
from ecbm_registry.domain import membership as m
from ecbm_registry.domain import person as p
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Translation


def person_joined(event: p.PersonJoined, record: StoredEvent) -> published.PersonJoined:
    return published.PersonJoined(**_contact(event.person_id, event.profile, record))


def person_updated(event: p.PersonProfileChanged, record: StoredEvent) -> published.PersonUpdated:
    return published.PersonUpdated(**_contact(event.person_id, event.profile, record))


def _contact(person_id: str, profile: p.Profile, record: StoredEvent) -> dict[str, object]:
    return {
        "person_id": person_id,
        "display_name": profile.display_name,
        "email": profile.email,
        "preferred_language": profile.preferred_language,
        "contact_by_email": profile.contact_by_email,
        "country": profile.country,
        "roles": [role.value for role in profile.roles],
        "occurred_at": record.recorded_at,
    }


def expertise_declared(
    event: p.ExpertiseDeclared, record: StoredEvent
) -> published.ExpertiseDeclared:
    return published.ExpertiseDeclared(
        person_id=event.person_id,
        topic=event.topic,
        level=event.level.value,
        occurred_at=record.recorded_at,
    )


def learning_goal_declared(
    event: p.LearningGoalDeclared, record: StoredEvent
) -> published.LearningGoalDeclared:
    return published.LearningGoalDeclared(
        person_id=event.person_id, topic=event.topic, occurred_at=record.recorded_at
    )


def membership_approved(
    event: m.MembershipApproved, record: StoredEvent
) -> published.MembershipApproved:
    return published.MembershipApproved(person_id=event.person_id, occurred_at=record.recorded_at)


def membership_ended(
    event: m.MembershipEnded | m.MembershipLapsed, record: StoredEvent
) -> published.MembershipEnded:
    return published.MembershipEnded(
        person_id=event.person_id,
        lapsed=isinstance(event, m.MembershipLapsed),
        occurred_at=record.recorded_at,
    )


def person_forgotten(event: p.PersonForgotten, record: StoredEvent) -> published.PersonForgotten:
    return published.PersonForgotten(person_id=event.person_id, occurred_at=record.recorded_at)


PEOPLE_INTEGRATION: dict[type, Translation] = {
    p.PersonJoined: person_joined,
    p.PersonProfileChanged: person_updated,
    p.ExpertiseDeclared: expertise_declared,
    p.LearningGoalDeclared: learning_goal_declared,
    m.MembershipApproved: membership_approved,
    m.MembershipEnded: membership_ended,
    m.MembershipLapsed: membership_ended,
    p.PersonForgotten: person_forgotten,
}
