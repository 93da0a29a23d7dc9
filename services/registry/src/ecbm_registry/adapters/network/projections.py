"""Projections of the Brussels network: contact, stance and interaction events into rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, update

from ecbm_registry.adapters.network.read_models import (
    interaction_participants,
    interactions,
    policy_contact_topics,
    policy_contacts,
    stance_changes,
)
from ecbm_registry.domain.interaction import InteractionLogged
from ecbm_registry.domain.policy_contact import (
    ContactDetails,
    PolicyContactAdded,
    PolicyContactDetailsChanged,
    PolicyContactWithdrawn,
    StanceChanged,
)
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Projection


def _details(details: ContactDetails) -> dict[str, Any]:
    values = details.model_dump(mode="json")
    values["topics"] = list(details.topics)
    return values


def _replace_topics(connection: Connection, contact_id: str, topics: tuple[str, ...]) -> None:
    connection.execute(
        delete(policy_contact_topics).where(policy_contact_topics.c.contact_id == contact_id)
    )
    if topics:
        rows = [{"contact_id": contact_id, "topic": topic} for topic in sorted(set(topics))]
        connection.execute(insert(policy_contact_topics), rows)


def _touch(connection: Connection, record: StoredEvent, **values: Any) -> None:
    connection.execute(
        update(policy_contacts)
        .where(policy_contacts.c.id == record.entity_id)
        .values(version=record.version, update_time=record.recorded_at, **values)
    )


def on_policy_contact_added(
    connection: Connection, event: PolicyContactAdded, record: StoredEvent
) -> None:
    contact_id = record.entity_id
    connection.execute(
        insert(policy_contacts).values(
            id=contact_id, added_position=record.position, **_details(event.details),
            stance=event.stance.value, stance_rank=event.stance.rank, withdrawn=False,
            version=record.version, create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )  # fmt: skip
    _replace_topics(connection, contact_id, event.details.topics)
    _history(connection, record, event.stance.value, "", "added to the network", event.added_by)


def on_details_changed(
    connection: Connection, event: PolicyContactDetailsChanged, record: StoredEvent
) -> None:
    _touch(connection, record, **_details(event.details))
    _replace_topics(connection, record.entity_id, event.details.topics)


def on_stance_changed(connection: Connection, event: StanceChanged, record: StoredEvent) -> None:
    _touch(connection, record, stance=event.stance.value, stance_rank=event.stance.rank)
    _history(
        connection, record, event.stance.value, event.previous.value, event.reason,
        event.changed_by,
    )  # fmt: skip


def _history(
    connection: Connection, record: StoredEvent, stance: str, previous: str, reason: str, by: str
) -> None:
    connection.execute(
        insert(stance_changes).values(
            contact_id=record.entity_id, version=record.version, stance=stance,
            previous=previous, reason=reason, changed_by=by, change_time=record.recorded_at,
        )
    )  # fmt: skip


def on_withdrawn(
    connection: Connection, event: PolicyContactWithdrawn, record: StoredEvent
) -> None:
    _touch(connection, record, withdrawn=True)


def on_interaction_logged(
    connection: Connection, event: InteractionLogged, record: StoredEvent
) -> None:
    interaction_id = record.entity_id
    connection.execute(
        insert(interactions).values(
            id=interaction_id, logged_position=record.position, contact_id=event.contact_id,
            kind=event.kind.value, occurred_on=event.occurred_on,
            participants=list(event.participants), outcome=event.outcome,
            logged_by=event.logged_by, create_time=record.recorded_at,
        )
    )  # fmt: skip
    connection.execute(
        insert(interaction_participants),
        [{"interaction_id": interaction_id, "person_id": p} for p in set(event.participants)],
    )


NETWORK_PROJECTIONS: dict[type[DomainEvent], list[Projection]] = {
    PolicyContactAdded: [on_policy_contact_added],
    PolicyContactDetailsChanged: [on_details_changed],
    StanceChanged: [on_stance_changed],
    PolicyContactWithdrawn: [on_withdrawn],
    InteractionLogged: [on_interaction_logged],
}
