"""Projections of campaign and subscriber events into their tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, case, insert, update

from ecbm_notify.adapters.newsletter.tables import newsletter_campaigns, newsletter_subscribers
from ecbm_notify.domain.campaign import (
    CampaignCancelled,
    CampaignCompleted,
    CampaignDrafted,
    CampaignPaused,
    CampaignResumed,
    CampaignRevised,
    CampaignScheduled,
    CampaignSendingStarted,
    Draft,
)
from ecbm_notify.domain.subscriber import (
    Interests,
    SubscriberUnsubscribed,
    SubscriptionChanged,
    SubscriptionConfirmed,
    SubscriptionRequested,
)
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Projection


def joined(values: Iterable[str]) -> str:
    """``,a,b,``: one LIKE finds an element (see newsletter_tables)."""
    items = list(values)
    return f",{','.join(items)}," if items else ""


def _draft_columns(draft: Draft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "subject": draft.subject,
        "language": draft.language,
        "template": draft.template,
        "blocks": json.dumps([block.model_dump() for block in draft.blocks]),
        "audience": draft.audience.model_dump_json(),
    }


def _campaign(connection: Connection, record: StoredEvent, **values: Any) -> None:
    connection.execute(
        update(newsletter_campaigns)
        .where(newsletter_campaigns.c.id == record.entity_id)
        .values(version=record.version, update_time=record.recorded_at, **values)
    )


def on_drafted(connection: Connection, event: CampaignDrafted, record: StoredEvent) -> None:
    connection.execute(
        insert(newsletter_campaigns).values(
            id=record.entity_id,
            state="draft",
            created_by=event.created_by,
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
            **_draft_columns(event.draft),
        )
    )


def on_revised(connection: Connection, event: CampaignRevised, record: StoredEvent) -> None:
    _campaign(connection, record, **_draft_columns(event.draft))


def on_scheduled(connection: Connection, event: CampaignScheduled, record: StoredEvent) -> None:
    _campaign(connection, record, state="scheduled", send_time=event.send_at)


def on_started(connection: Connection, event: CampaignSendingStarted, record: StoredEvent) -> None:
    _campaign(connection, record, state="sending", audience_size=event.audience_size)


def on_paused(connection: Connection, event: CampaignPaused, record: StoredEvent) -> None:
    _campaign(connection, record, state="paused")


def on_resumed(connection: Connection, event: CampaignResumed, record: StoredEvent) -> None:
    # Started campaigns know their audience size; a scheduled one does not yet.
    started = newsletter_campaigns.c.audience_size.is_not(None)
    _campaign(connection, record, state=case((started, "sending"), else_="scheduled"))


def on_cancelled(connection: Connection, event: CampaignCancelled, record: StoredEvent) -> None:
    _campaign(connection, record, state="cancelled", complete_time=record.recorded_at)


def on_completed(connection: Connection, event: CampaignCompleted, record: StoredEvent) -> None:
    _campaign(connection, record, state="sent", complete_time=record.recorded_at)


def on_subscription_requested(
    connection: Connection, event: SubscriptionRequested, record: StoredEvent
) -> None:
    if not event.email:  # erased (application/newsletter/privacy.py): nothing to show
        return
    values = {"email": event.email, **_interest_columns(event.interests), "state": "pending"}
    if record.version == 1:
        connection.execute(
            insert(newsletter_subscribers).values(
                id=record.entity_id,
                create_time=record.recorded_at,
                update_time=record.recorded_at,
                **values,
            )
        )
    else:
        _subscriber(connection, record, **values)


def _interest_columns(interests: Interests) -> dict[str, Any]:
    return {
        "display_name": interests.display_name,
        "language": interests.language,
        "country": interests.country,
        "topics": joined(interests.topics),
    }


def on_changed(connection: Connection, event: SubscriptionChanged, record: StoredEvent) -> None:
    _subscriber(connection, record, **_interest_columns(event.interests))


def _subscriber(connection: Connection, record: StoredEvent, **values: Any) -> None:
    connection.execute(
        update(newsletter_subscribers)
        .where(newsletter_subscribers.c.id == record.entity_id)
        .values(update_time=record.recorded_at, **values)
    )


def on_confirmed(connection: Connection, event: SubscriptionConfirmed, record: StoredEvent) -> None:
    _subscriber(connection, record, state="confirmed")


def on_unsubscribed(
    connection: Connection, event: SubscriberUnsubscribed, record: StoredEvent
) -> None:
    _subscriber(connection, record, state="unsubscribed")


NEWSLETTER_PROJECTIONS: dict[type[DomainEvent], list[Projection]] = {
    CampaignDrafted: [on_drafted],
    CampaignRevised: [on_revised],
    CampaignScheduled: [on_scheduled],
    CampaignSendingStarted: [on_started],
    CampaignPaused: [on_paused],
    CampaignResumed: [on_resumed],
    CampaignCancelled: [on_cancelled],
    CampaignCompleted: [on_completed],
    SubscriptionRequested: [on_subscription_requested],
    SubscriptionConfirmed: [on_confirmed],
    SubscriberUnsubscribed: [on_unsubscribed],
    SubscriptionChanged: [on_changed],
}
