"""Projections of shared resources: drafting, revising and the workflow steps into one row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, update

from ecbm_registry.adapters.resources.read_models import resources
from ecbm_registry.domain.resource import (
    ResourceArchived,
    ResourceContent,
    ResourceDrafted,
    ResourcePublished,
    ResourceReturned,
    ResourceRevised,
    ResourceStatus,
    ResourceSubmitted,
)
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Projection


def _content(content: ResourceContent) -> dict[str, Any]:
    values = content.model_dump(mode="json")
    values["countries"], values["topics"] = list(content.countries), list(content.topics)
    return values


def _touch(connection: Connection, record: StoredEvent, **values: Any) -> None:
    connection.execute(
        update(resources)
        .where(resources.c.id == record.entity_id)
        .values(version=record.version, update_time=record.recorded_at, **values)
    )


def on_drafted(connection: Connection, event: ResourceDrafted, record: StoredEvent) -> None:
    connection.execute(
        insert(resources).values(
            id=record.entity_id, drafted_position=record.position,
            **_content(event.content), author=event.author,
            author_display_name=event.author_display_name, status=ResourceStatus.DRAFT.value,
            review_comments="", version=record.version, create_time=record.recorded_at,
            update_time=record.recorded_at, publish_time=None,
        )
    )  # fmt: skip


def on_revised(connection: Connection, event: ResourceRevised, record: StoredEvent) -> None:
    _touch(connection, record, **_content(event.content))


def on_submitted(connection: Connection, event: ResourceSubmitted, record: StoredEvent) -> None:
    _touch(connection, record, status=ResourceStatus.SUBMITTED.value)


def on_published(connection: Connection, event: ResourcePublished, record: StoredEvent) -> None:
    _touch(
        connection, record, status=ResourceStatus.PUBLISHED.value,
        publish_time=record.recorded_at, review_comments="",
    )  # fmt: skip


def on_returned(connection: Connection, event: ResourceReturned, record: StoredEvent) -> None:
    _touch(connection, record, status=ResourceStatus.RETURNED.value, review_comments=event.comments)


def on_archived(connection: Connection, event: ResourceArchived, record: StoredEvent) -> None:
    _touch(connection, record, status=ResourceStatus.ARCHIVED.value)


RESOURCE_PROJECTIONS: dict[type[DomainEvent], list[Projection]] = {
    ResourceDrafted: [on_drafted],
    ResourceRevised: [on_revised],
    ResourceSubmitted: [on_submitted],
    ResourcePublished: [on_published],
    ResourceReturned: [on_returned],
    ResourceArchived: [on_archived],
}
