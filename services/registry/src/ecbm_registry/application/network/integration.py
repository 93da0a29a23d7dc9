"""The network's published language: its domain events → integration events, in one place.

Events carry ids, kind, country, stance, topics and committee only (no names or addresses):
see the contract.
"""

from __future__ import annotations

from typing import Any

from ecbm_integration.registry import network as published
from ecbm_registry.domain.interaction import InteractionLogged
from ecbm_registry.domain.policy_contact import (
    ContactDetails,
    PolicyContactAdded,
    PolicyContactDetailsChanged,
    PolicyContactWithdrawn,
    StanceChanged,
)
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Translation


def _upper(value: Any) -> Any:
    return str(value.value).upper()


def _committee(details: ContactDetails) -> str:
    """The committee of an MEP, else the directorate-general of Commission staff."""
    return details.committee or details.directorate_general


def policy_contact_added(
    event: PolicyContactAdded, record: StoredEvent
) -> published.PolicyContactAdded:
    return published.PolicyContactAdded(
        policy_contact_id=record.entity_id,
        kind=_upper(event.details.kind),
        country=event.details.country,
        stance=_upper(event.stance),
        topics=list(event.details.topics),
        committee=_committee(event.details),
        occurred_at=record.recorded_at,
    )


def _updated(record: StoredEvent, change: Any, **fields: Any) -> published.PolicyContactUpdated:
    return published.PolicyContactUpdated(
        policy_contact_id=record.entity_id,
        change=change,
        occurred_at=record.recorded_at,
        **fields,
    )


def details_changed(
    event: PolicyContactDetailsChanged, record: StoredEvent
) -> published.PolicyContactUpdated:
    details = event.details
    return _updated(
        record, "DETAILS", kind=_upper(details.kind), country=details.country,
        topics=list(details.topics), committee=_committee(details),
    )  # fmt: skip


def stance_changed(event: StanceChanged, record: StoredEvent) -> published.PolicyContactUpdated:
    return _updated(
        record, "STANCE", stance=_upper(event.stance), previous_stance=_upper(event.previous)
    )


def withdrawn(event: PolicyContactWithdrawn, record: StoredEvent) -> published.PolicyContactUpdated:
    return _updated(record, "WITHDRAWN")


def interaction_logged(
    event: InteractionLogged, record: StoredEvent
) -> published.InteractionLogged:
    return published.InteractionLogged(
        interaction_id=record.entity_id,
        policy_contact_id=event.contact_id,
        kind=_upper(event.kind),
        occurred_on=event.occurred_on.isoformat(),
        participant_ids=list(event.participants),
        occurred_at=record.recorded_at,
    )


NETWORK_INTEGRATION: dict[type, Translation] = {
    PolicyContactAdded: policy_contact_added,
    PolicyContactDetailsChanged: details_changed,
    StanceChanged: stance_changed,
    PolicyContactWithdrawn: withdrawn,
    InteractionLogged: interaction_logged,
}
