"""Projections of people and memberships into their read models.

Replay decodes a forgotten person's events with empty personal fields, and their
PersonForgotten deletes whatever was projected before: nothing personal comes back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, update

from ecbm_registry.adapters.people.read_models import (
    memberships,
    people,
    person_expertise,
    person_learning_goals,
    person_roles,
)
from ecbm_registry.domain import membership as m
from ecbm_registry.domain import person as p
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Projection


def _profile_columns(profile: p.Profile) -> dict[str, Any]:
    values = profile.model_dump(mode="json")
    values["sort_name"] = " ".join(profile.display_name.casefold().split())
    return values


def _roles(connection: Connection, person_id: str, roles: tuple[p.Role, ...]) -> None:
    connection.execute(delete(person_roles).where(person_roles.c.person_id == person_id))
    if roles:
        rows = [{"person_id": person_id, "role": role.value} for role in roles]
        connection.execute(insert(person_roles), rows)


def _touch(connection: Connection, person_id: str, record: StoredEvent) -> None:
    connection.execute(
        update(people)
        .where(people.c.id == person_id)
        .values(version=record.version, update_time=record.recorded_at)
    )


def on_person_joined(connection: Connection, event: p.PersonJoined, record: StoredEvent) -> None:
    connection.execute(
        insert(people).values(
            id=event.person_id,
            joined_position=record.position,
            **_profile_columns(event.profile),
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )
    _roles(connection, event.person_id, event.profile.roles)


def on_profile_changed(
    connection: Connection, event: p.PersonProfileChanged, record: StoredEvent
) -> None:
    connection.execute(
        update(people)
        .where(people.c.id == event.person_id)
        .values(**_profile_columns(event.profile))
    )
    _roles(connection, event.person_id, event.profile.roles)
    _touch(connection, event.person_id, record)


def on_expertise_declared(
    connection: Connection, event: p.ExpertiseDeclared, record: StoredEvent
) -> None:
    _forget_topic(connection, person_expertise, event.person_id, event.topic)
    connection.execute(
        insert(person_expertise).values(
            person_id=event.person_id,
            topic=event.topic,
            level=event.level.value,
            description=event.description,
        )
    )
    _touch(connection, event.person_id, record)


def on_expertise_withdrawn(
    connection: Connection, event: p.ExpertiseWithdrawn, record: StoredEvent
) -> None:
    _forget_topic(connection, person_expertise, event.person_id, event.topic)
    _touch(connection, event.person_id, record)


def on_learning_goal_declared(
    connection: Connection, event: p.LearningGoalDeclared, record: StoredEvent
) -> None:
    _forget_topic(connection, person_learning_goals, event.person_id, event.topic)
    connection.execute(
        insert(person_learning_goals).values(
            person_id=event.person_id, topic=event.topic, description=event.description
        )
    )
    _touch(connection, event.person_id, record)


def on_learning_goal_withdrawn(
    connection: Connection, event: p.LearningGoalWithdrawn, record: StoredEvent
) -> None:
    _forget_topic(connection, person_learning_goals, event.person_id, event.topic)
    _touch(connection, event.person_id, record)


def _forget_topic(connection: Connection, table: Any, person_id: str, topic: str) -> None:
    connection.execute(delete(table).where(table.c.person_id == person_id, table.c.topic == topic))


def on_person_forgotten(
    connection: Connection, event: p.PersonForgotten, record: StoredEvent
) -> None:
    for table in (person_roles, person_expertise, person_learning_goals):
        connection.execute(delete(table).where(table.c.person_id == event.person_id))
    connection.execute(delete(memberships).where(memberships.c.person_id == event.person_id))
    connection.execute(delete(people).where(people.c.id == event.person_id))


def on_membership_applied(
    connection: Connection, event: m.MembershipApplied, record: StoredEvent
) -> None:
    connection.execute(delete(memberships).where(memberships.c.person_id == event.person_id))
    connection.execute(
        insert(memberships).values(
            person_id=event.person_id,
            status=m.MembershipStatus.APPLIED.value,
            motivation=event.motivation,
            reason="",
            decided_by="",
            version=record.version,
            apply_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )


def _membership_moved(status: m.MembershipStatus) -> Projection:
    """A projection setting ``status`` and copying the event's reason/decided_by if any."""

    def project(connection: Connection, event: Any, record: StoredEvent) -> None:
        values: dict[str, Any] = {"status": status.value, "version": record.version}
        values["update_time"] = record.recorded_at
        for name in ("reason", "decided_by"):
            if hasattr(event, name):
                values[name] = getattr(event, name)
        connection.execute(
            update(memberships).where(memberships.c.person_id == event.person_id).values(**values)
        )

    return project


PEOPLE_PROJECTIONS: dict[type[DomainEvent], list[Projection]] = {
    p.PersonJoined: [on_person_joined],
    p.PersonProfileChanged: [on_profile_changed],
    p.ExpertiseDeclared: [on_expertise_declared],
    p.ExpertiseWithdrawn: [on_expertise_withdrawn],
    p.LearningGoalDeclared: [on_learning_goal_declared],
    p.LearningGoalWithdrawn: [on_learning_goal_withdrawn],
    p.PersonForgotten: [on_person_forgotten],
    m.MembershipApplied: [on_membership_applied],
    m.MembershipApproved: [_membership_moved(m.MembershipStatus.APPROVED)],
    m.MembershipDeclined: [_membership_moved(m.MembershipStatus.DECLINED)],
    m.MembershipLapsed: [_membership_moved(m.MembershipStatus.LAPSED)],
    m.MembershipEnded: [_membership_moved(m.MembershipStatus.ENDED)],
}
