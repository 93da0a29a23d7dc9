"""Projections of contributions' domain events to the contributions table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, insert, update

from ecbm_events.adapters.contributions.tables import contributions
from ecbm_events.domain.contribution import (
    ChangesRequested,
    ContributionAccepted,
    ContributionErased,
    ContributionProposed,
    ContributionRejected,
    ContributionRevised,
)
from ecbm_runtime.eventstore import StoredEvent


def project_contribution_proposed(
    connection: Connection, event: ContributionProposed, record: StoredEvent
) -> None:
    connection.execute(
        insert(contributions).values(
            id=record.entity_id,
            event_id=event.event_id,
            person_id=event.person_id,
            title=event.title,
            abstract=event.abstract,
            state="proposed",
            review_note="",
            session_id="",
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )


_CHANGES: dict[type, Callable[[Any], dict[str, Any]]] = {
    ContributionRevised: lambda e: {"title": e.title, "abstract": e.abstract, "state": "proposed"},
    ChangesRequested: lambda e: {"state": "changes_requested", "review_note": e.note},
    ContributionAccepted: lambda e: {
        "state": "accepted",
        "review_note": e.note,
        "session_id": e.session_id,
    },
    ContributionRejected: lambda e: {"state": "rejected", "review_note": e.note},
    ContributionErased: lambda e: {"person_id": ""},
}
CHANGED_BY = tuple(_CHANGES)


def project_contribution_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    connection.execute(
        update(contributions)
        .where(contributions.c.id == record.entity_id)
        .values(
            version=record.version, update_time=record.recorded_at, **_CHANGES[type(event)](event)
        )
    )
