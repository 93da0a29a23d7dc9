"""Resources' published language: only publication is news for other services."""

from __future__ import annotations

from ecbm_integration.registry import resources as published
from ecbm_registry.domain.resource import ResourcePublished
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Translation


def resource_published(
    event: ResourcePublished, record: StoredEvent
) -> published.ResourcePublished:
    content = event.content
    return published.ResourcePublished(
        resource_id=record.entity_id,
        kind=content.kind.value.upper(),
        title=content.title,
        summary=content.summary,
        language=content.language,
        countries=list(content.countries),
        topics=list(content.topics),
        occurred_at=record.recorded_at,
    )


RESOURCE_INTEGRATION: dict[type, Translation] = {ResourcePublished: resource_published}
