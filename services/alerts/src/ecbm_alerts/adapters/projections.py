"""Projections of the alerts' domain events to their read-model rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ecbm_alerts.adapters.tables import (
    SEARCHES_VERSION,
    item_changes,
    item_matches,
    items,
    sources,
    subscriptions,
)
from ecbm_alerts.domain import item as it
from ecbm_alerts.domain import source as so
from ecbm_alerts.domain import subscription as su
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import BatchProjection, Projected, Projection


def _facts(facts: it.ItemFacts) -> dict[str, Any]:
    return facts.model_dump(mode="json")


def _item_row(event: it.ItemCollected, record: StoredEvent) -> dict[str, Any]:
    facts = event.facts
    return {
        "id": record.entity_id,
        "kind": event.kind.value,
        "key": event.key,
        "identifier": event.identifier,
        "canonical_url": event.canonical_url[:2000],
        "normalised_title": event.normalised_title,
        "title_block": event.title_block[:200],
        "title": facts.title,
        "facts": _facts(facts),
        "relevance": event.relevance,
        "topics": list(event.topics),
        "next_deadline": facts.next_deadline,
        "status": facts.status.value if facts.status else "",
        "pinned": False,
        "hidden": False,
        "note": "",
        "picked": False,
        "sources": [event.source_id],
        "contacts": [],
        "version": record.version,
        "create_time": record.recorded_at,
        "update_time": record.recorded_at,
    }


def _items_collected(connection: Connection, batch: Projected) -> None:
    connection.execute(insert(items), [_item_row(event, record) for event, record in batch])


def _item_changed(changes: dict[str, Any]) -> Projection:
    def project(connection: Connection, event: Any, record: StoredEvent) -> None:
        connection.execute(
            update(items)
            .where(items.c.id == record.entity_id)
            .values(version=record.version, update_time=record.recorded_at, **changes)
        )

    return project


def project_item_revised(
    connection: Connection, event: it.ItemRevised, record: StoredEvent
) -> None:
    facts = event.facts
    _item_changed(
        {
            "facts": _facts(facts),
            "next_deadline": facts.next_deadline,
            "status": facts.status.value if facts.status else "",
        }
    )(connection, event, record)
    connection.execute(
        insert(item_changes).values(
            item_id=record.entity_id,
            version=record.version,
            changes=list(event.changes),
            facts=_facts(facts),
            recorded_at=record.recorded_at,
        )
    )


def project_item_sighted(
    connection: Connection, event: it.ItemSighted, record: StoredEvent
) -> None:
    known = connection.execute(select(items.c.sources).where(items.c.id == record.entity_id))
    seen = list(known.scalar_one())
    if event.source_id not in seen:
        seen.append(event.source_id)
    _item_changed({"sources": seen})(connection, event, record)


def project_item_curated(
    connection: Connection, event: it.ItemCurated, record: StoredEvent
) -> None:
    values = {"pinned": event.pinned, "hidden": event.hidden, "note": event.note}
    _item_changed(values)(connection, event, record)


def project_rapporteurs_changed(
    connection: Connection, event: it.RapporteursChanged, record: StoredEvent
) -> None:
    _item_changed({"facts": _facts(event.facts), "contacts": []})(connection, event, record)


def project_contact_linked(
    connection: Connection, event: it.ContactLinked, record: StoredEvent
) -> None:
    known = connection.execute(select(items.c.contacts).where(items.c.id == record.entity_id))
    links = [
        link
        for link in known.scalar_one()
        if (link["rapporteur"], link["role"]) != (event.rapporteur, event.role)
    ]
    links.append(
        {"rapporteur": event.rapporteur, "role": event.role,
         "policy_contact_id": event.policy_contact_id}
    )  # fmt: skip
    _item_changed({"contacts": links})(connection, event, record)


def _items_matched(connection: Connection, batch: Projected) -> None:
    rows = [
        {"item_id": record.entity_id, "subscription_id": s, "matched_at": record.recorded_at}
        for event, record in batch
        for s in event.subscription_ids
    ]
    if rows:
        connection.execute(insert(item_matches), rows)


def _versioned(connection: Connection, event: Any, record: StoredEvent) -> None:
    _item_changed({})(connection, event, record)


def project_source_added(
    connection: Connection, event: so.SourceAdded, record: StoredEvent
) -> None:
    connection.execute(
        insert(sources).values(
            id=record.entity_id,
            name=event.name,
            kind=event.kind.value,
            url=event.url,
            item_kind=event.item_kind.value,
            query=event.query,
            interval_minutes=event.interval_minutes,
            state=so.SourceState.ACTIVE.value,
            health=so.Health.OK.value,
            failures=0,
            last_error="",
            etag="",
            last_modified="",
            last_success_time=None,
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )


_SOURCE_CHANGES: dict[type, Callable[[Any, StoredEvent], dict[str, Any]]] = {
    so.SourcePaused: lambda e, r: {"state": "paused"},
    so.SourceResumed: lambda e, r: {"state": "active"},
    so.SourceRemoved: lambda e, r: {"state": "removed"},
    so.SourceFetched: lambda e, r: {
        "etag": e.etag[:500],
        "last_modified": e.last_modified[:100],
        "health": "ok", "failures": 0, "last_error": "", "last_success_time": r.recorded_at
    },
    so.SourceFailed: lambda e, r: {
        "health": "degraded", "failures": e.failures, "last_error": e.error
    },
}  # fmt: skip
SOURCE_CHANGED_BY = tuple(_SOURCE_CHANGES)


def project_source_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    connection.execute(
        update(sources)
        .where(sources.c.id == record.entity_id)
        .values(
            version=record.version,
            update_time=record.recorded_at,
            **_SOURCE_CHANGES[type(event)](event, record),
        )
    )


def project_subscription_saved(
    connection: Connection, event: su.SubscriptionSaved, record: StoredEvent
) -> None:
    connection.execute(
        insert(subscriptions).values(
            id=record.entity_id,
            person_id=event.person_id,
            terms=event.terms.model_dump(mode="json"),
            organisation_id=event.terms.organisation_id,
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )
    SEARCHES_VERSION.move(connection)


def project_subscription_changed(
    connection: Connection, event: su.SubscriptionChanged, record: StoredEvent
) -> None:
    connection.execute(
        update(subscriptions)
        .where(subscriptions.c.id == record.entity_id)
        .values(
            terms=event.terms.model_dump(mode="json"),
            organisation_id=event.terms.organisation_id,
            version=record.version,
            update_time=record.recorded_at,
        )
    )
    SEARCHES_VERSION.move(connection)


def project_subscription_gone(connection: Connection, event: Any, record: StoredEvent) -> None:
    """Deleted or erased: the row and its matches go (the store keeps the history)."""
    matches = item_matches.c.subscription_id == record.entity_id
    connection.execute(delete(item_matches).where(matches))
    connection.execute(delete(subscriptions).where(subscriptions.c.id == record.entity_id))
    SEARCHES_VERSION.move(connection)


PROJECTIONS: dict[type, list[Projection]] = {
    it.ItemCollected: [BatchProjection(_items_collected)],
    it.ItemRevised: [project_item_revised],
    it.ItemSighted: [project_item_sighted],
    it.ItemCurated: [project_item_curated],
    it.ItemPickedForNewsletter: [_item_changed({"picked": True})],
    it.ItemMatched: [BatchProjection(_items_matched)],
    it.RapporteursChanged: [project_rapporteurs_changed],
    it.ContactLinked: [project_contact_linked],
    it.DeadlineReminded: [_versioned],
    so.SourceAdded: [project_source_added],
    **{changed: [project_source_changed] for changed in SOURCE_CHANGED_BY},
    su.SubscriptionSaved: [project_subscription_saved],
    su.SubscriptionChanged: [project_subscription_changed],
    su.SubscriptionDeleted: [project_subscription_gone],
    su.SubscriptionErased: [project_subscription_gone],
}
