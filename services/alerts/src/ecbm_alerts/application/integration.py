"""The alerts service's integration events, built in one place."""

from __future__ import annotations

from datetime import date, datetime

from ecbm_alerts.domain.entry import ItemKind
from ecbm_alerts.domain.item import (
    Item,
    ItemCollected,
    ItemFacts,
    ItemPickedForNewsletter,
    ItemRevised,
    RapporteursChanged,
)
from ecbm_alerts.domain.subscription import SavedSearch
from ecbm_integration import alerts as published
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Translation


def alert_matched(item: Item, search: SavedSearch, at: datetime) -> published.AlertMatched:
    return published.AlertMatched(
        subscription_id=search.id,
        person_id=search.person_id,
        subscription_name=search.name,
        rhythm=search.rhythm.value,
        item_id=item.id,
        kind=item.kind.value,
        title=item.facts.title,
        url=item.facts.url,
        relevance=item.relevance,
        deadline=_day(item.facts.next_deadline),
        occurred_at=at,
    )


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def deadline_approaching(
    item: Item, subscription_id: str, person_id: str, deadline: date, days: int, at: datetime
) -> published.DeadlineApproaching:
    return published.DeadlineApproaching(
        subscription_id=subscription_id,
        person_id=person_id,
        item_id=item.id,
        identifier=item.key.split(":", 1)[-1],
        title=item.facts.title,
        url=item.facts.url,
        deadline=deadline.isoformat(),
        days_before=days,
        occurred_at=at,
    )


def partner_search_requested(
    item: Item, request_id: str, person_id: str, message: str, at: datetime
) -> published.PartnerSearchRequested:
    return published.PartnerSearchRequested(
        request_id=request_id,
        person_id=person_id,
        item_id=item.id,
        identifier=item.key.split(":", 1)[-1],
        title=item.facts.title,
        programme=item.facts.programme,
        deadline=_day(item.facts.next_deadline),
        url=item.facts.url,
        message=message,
        occurred_at=at,
    )


def _item_changed(event: ItemRevised, record: StoredEvent) -> published.ItemChanged:
    facts = event.facts
    return published.ItemChanged(
        item_id=record.entity_id,
        kind=event.kind.value,
        title=facts.title,
        changes=list(event.changes),  # type: ignore[arg-type]
        deadlines=[d.isoformat() for d in facts.deadlines],
        status=facts.status.value if facts.status else "",
        stage=facts.stage[:200],
        occurred_at=record.recorded_at,
    )


def _picked(event: ItemPickedForNewsletter, record: StoredEvent) -> published.NewsletterItemPicked:
    facts = event.facts
    return published.NewsletterItemPicked(
        item_id=record.entity_id,
        kind=event.kind.value,
        title=facts.title,
        url=facts.url,
        summary=facts.summary,
        note=event.note,
        occurred_at=record.recorded_at,
    )


def _rapporteurs_named(
    identifier: str, facts: ItemFacts, record: StoredEvent
) -> published.RapporteursNamed:
    return published.RapporteursNamed(
        item_id=record.entity_id,
        reference=identifier[:200],
        title=facts.title,
        committee=facts.committee[:200],
        rapporteurs=[
            published.NamedRapporteur(
                name=r.name[:200],
                role="shadow" if r.role == "shadow" else "rapporteur",  # type: ignore[arg-type]
                group=r.group[:100],
            )
            for r in facts.rapporteurs[:50]
            if r.name
        ],
        occurred_at=record.recorded_at,
    )


def _collected(event: ItemCollected, record: StoredEvent) -> published.RapporteursNamed | None:
    """A new procedure naming rapporteurs: registry may know them."""
    if event.kind is not ItemKind.PROCEDURE or not any(r.name for r in event.facts.rapporteurs):
        return None
    return _rapporteurs_named(event.identifier, event.facts, record)


def _renamed(event: RapporteursChanged, record: StoredEvent) -> published.RapporteursNamed | None:
    if not event.identifier or not any(r.name for r in event.facts.rapporteurs):
        return None
    return _rapporteurs_named(event.identifier, event.facts, record)


TRANSLATIONS: dict[type, Translation] = {
    ItemCollected: _collected,
    RapporteursChanged: _renamed,
    ItemRevised: _item_changed,
    ItemPickedForNewsletter: _picked,
}
