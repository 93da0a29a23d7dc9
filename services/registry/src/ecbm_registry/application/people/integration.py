"""People's published language: domain events → integration events, in one place.

Only what consumers need leaves the registry: contact details for notify, topics for
matching, membership decisions for quality. Free texts and bios never do, and a person's
name and e-mail leave only sealed with the contact-sealing keys (``ecbm_runtime.sealing``):
the bus, every consumer's DLQ and logs, and the outbox see ciphertext.
"""

from __future__ import annotations

from ecbm_integration import registry as published
from ecbm_registry.domain import membership as m
from ecbm_registry.domain import person as p
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.sealing import Contact, ContactSeal
from ecbm_runtime.uow import Translation


def contact_translations(seal: ContactSeal) -> dict[type, Translation]:
    """PersonJoined and PersonUpdated, their contact sealed with ``seal`` (the settings' keys)."""

    def person_joined(event: p.PersonJoined, record: StoredEvent) -> published.PersonJoined:
        return published.PersonJoined(**_contact(seal, event.person_id, event.profile, record))

    def person_updated(
        event: p.PersonProfileChanged, record: StoredEvent
    ) -> published.PersonUpdated:
        return published.PersonUpdated(**_contact(seal, event.person_id, event.profile, record))

    return {p.PersonJoined: person_joined, p.PersonProfileChanged: person_updated}


def _contact(
    seal: ContactSeal, person_id: str, profile: p.Profile, record: StoredEvent
) -> dict[str, object]:
    contact = Contact(display_name=profile.display_name, email=profile.email)
    return {
        "person_id": person_id,
        "sealed_contact": seal.seal(person_id, contact),
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


# Without the contact events: they need the settings' seal (``contact_translations``).
PEOPLE_INTEGRATION: dict[type, Translation] = {
    p.ExpertiseDeclared: expertise_declared,
    p.LearningGoalDeclared: learning_goal_declared,
    m.MembershipApproved: membership_approved,
    m.MembershipEnded: membership_ended,
    m.MembershipLapsed: membership_ended,
    p.PersonForgotten: person_forgotten,
}
