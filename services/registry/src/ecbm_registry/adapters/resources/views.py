"""Read side of shared resources: plain SQL over the read model, filtered to what a caller sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, or_, select, true

from ecbm_registry.adapters.paging import Page, aware, paged
from ecbm_registry.adapters.resources.read_models import resources
from ecbm_registry.application.resources.queries import ListResources
from ecbm_registry.domain.resource import ResourceKind, ResourceStatus


@dataclass(frozen=True)
class ResourceView:
    id: str
    kind: str
    title: str
    summary: str
    body: str
    link: str
    language: str
    countries: tuple[str, ...]
    topics: tuple[str, ...]
    author: str
    author_display_name: str
    status: str
    review_comments: str
    version: int
    create_time: datetime
    update_time: datetime
    publish_time: datetime | None

    def visible_to(self, subject: str | None, is_editor: bool) -> bool:
        """Published ones are public; the others only for their author and editors."""
        return self.status == ResourceStatus.PUBLISHED or is_editor or self.author == subject


@dataclass(frozen=True)
class Viewer:
    subject: str | None  # None: anonymous
    is_editor: bool


def _resource(row: Any) -> ResourceView:
    values = {name: row[name] for name in ResourceView.__dataclass_fields__}
    values["countries"], values["topics"] = tuple(row["countries"]), tuple(row["topics"])
    values["create_time"], values["update_time"] = (
        aware(row["create_time"]),
        aware(row["update_time"]),
    )
    values["publish_time"] = aware(row["publish_time"]) if row["publish_time"] else None
    return ResourceView(**values)


def _visible(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_editor:
        return true()
    published = resources.c.status == ResourceStatus.PUBLISHED.value
    return or_(published, resources.c.author == viewer.subject) if viewer.subject else published


_SORT = {
    "create_time": resources.c.drafted_position,
    "update_time": resources.c.update_time,
    "publish_time": resources.c.publish_time,
    "title": resources.c.title,
}


class ResourceViews:
    """Shared resources, read on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def resource(self, resource_id: str) -> ResourceView | None:
        row = self.connection.execute(
            select(resources).where(resources.c.id == resource_id)
        ).mappings()
        found = row.first()
        return _resource(found) if found else None

    def list_resources(self, query: ListResources, viewer: Viewer) -> Page:
        found = select(resources).where(_visible(viewer))
        if query.kind:
            found = found.where(resources.c.kind == query.kind.value)
        if query.status:
            found = found.where(resources.c.status == query.status.value)
        if query.author:
            found = found.where(resources.c.author == query.author)
        if query.language:
            found = found.where(resources.c.language == query.language)
        keys = [_SORT[name].desc() if desc else _SORT[name] for name, desc in query.order_by]
        ordered = found.order_by(*keys, resources.c.id)
        rows, next_offset, total = paged(self.connection, ordered, query.page_size, query.offset)
        return Page([_resource(row) for row in rows], next_offset, total)

    def published_stories(self, limit: int, language: str | None) -> list[ResourceView]:
        """The newest published stories, newest first (by when they last changed)."""
        query = select(resources).where(
            resources.c.status == ResourceStatus.PUBLISHED.value,
            resources.c.kind == ResourceKind.STORY.value,
        )
        if language:
            query = query.where(resources.c.language == language)
        query = query.order_by(resources.c.update_time.desc(), resources.c.id).limit(limit)
        return [_resource(row) for row in self.connection.execute(query).mappings()]
