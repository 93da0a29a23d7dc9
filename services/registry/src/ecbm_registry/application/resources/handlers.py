"""Use cases of shared resources: the author's drafts, the editor's workflow, the feed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from ecbm_registry.adapters.resources import views
from ecbm_registry.adapters.resources.atom_feed import CONTENT_TYPE, FeedEntry, FeedHead, build_feed
from ecbm_registry.adapters.paging import Page
from ecbm_registry.application.network.handlers import StaleVersion, actor
from ecbm_registry.application.resources import commands, queries
from ecbm_registry.domain.resource import Resource, ResourceContent
from ecbm_runtime.auth import EDITOR, Principal, current_principal, require_role
from ecbm_runtime.errors import NotFound
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]
ReadConnection = Callable[[], Connection]

# Public site of the Chronicle; entries without a link of their own point here.
SITE = "https://ecbm.example.org"
FEED_HEAD = FeedHead(
    id="tag:ecbm.example.org,2026:chronicle/stories",
    title="ECBM Chronicle: European stories of mentoring",
    link=f"{SITE}/chronicle",
    self_link=f"{SITE}/chronicle/stories.atom",
)


class ResourceNotFound(NotFound):
    def __init__(self, resource_id: str) -> None:
        super().__init__(f"resources/{resource_id} does not exist")


@dataclass(frozen=True)
class StoryFeed:
    content_type: str
    data: bytes


def _viewer() -> views.Viewer:
    principal = current_principal()
    if principal is None:
        return views.Viewer(subject=None, is_editor=False)
    return views.Viewer(principal.subject, principal.has_any_role({EDITOR}))


def _content(fields: dict[str, Any]) -> ResourceContent:
    fields["link"] = str(fields["link"] or "")
    return ResourceContent(**fields)


def _load(work: UnitOfWork, resource_id: str, expected_version: int) -> Resource:
    resource = work.repository(Resource).find(resource_id)
    if resource is None or not _viewer_may_see(resource):
        raise ResourceNotFound(resource_id)
    if expected_version and resource.version != expected_version:
        raise StaleVersion(f"resources/{resource_id}", expected_version, resource.version)
    return resource


def _viewer_may_see(resource: Resource) -> bool:
    viewer = _viewer()
    return viewer.is_editor or resource.author == viewer.subject or resource.status == "published"


def _saved(work: UnitOfWork, resource_id: str) -> views.ResourceView:
    work.flush()
    view = views.resource(work.connection, resource_id)
    work.commit()
    assert view is not None
    return view


def create_resource(command: commands.CreateResource, uow: UnitOfWorkFactory) -> views.ResourceView:
    author = actor().subject
    resource_id = new_id("resource", f"{author}:{command.request_id}" if command.request_id else "")
    with uow() as work:
        repository = work.repository(Resource)
        if not (command.request_id and repository.exists(resource_id)):
            content = _content(command.model_dump(exclude={"request_id", "author_display_name"}))
            repository.add(
                Resource.draft(resource_id, content, author, command.author_display_name)
            )
        return _saved(work, resource_id)


def update_resource(command: commands.UpdateResource, uow: UnitOfWorkFactory) -> views.ResourceView:
    by = actor().subject
    with uow() as work:
        resource = _load(work, command.resource_id, command.expected_version)
        changes = command.changes.model_dump(exclude_unset=True)
        resource.revise(_content({**resource.content.model_dump(), **changes}), by)
        return _saved(work, command.resource_id)


Step = Callable[[Resource, Any, Principal], None]


def _step(
    step: Step, editors_only: bool = False
) -> Callable[[commands.Step, UnitOfWorkFactory], views.ResourceView]:
    """A workflow use case: load the resource, take ``step`` as the caller, save."""

    def handle(command: commands.Step, uow: UnitOfWorkFactory) -> views.ResourceView:
        caller = require_role(EDITOR) if editors_only else actor()
        with uow() as work:
            resource = _load(work, command.resource_id, command.expected_version)
            step(resource, command, caller)
            return _saved(work, command.resource_id)

    return handle


def _submit(resource: Resource, command: Any, caller: Principal) -> None:
    resource.submit(caller.subject)


def _publish(resource: Resource, command: Any, caller: Principal) -> None:
    resource.publish(caller.subject)


def _return(resource: Resource, command: commands.ReturnResource, caller: Principal) -> None:
    resource.return_to_author(command.comments, caller.subject)


def _archive(resource: Resource, command: Any, caller: Principal) -> None:
    resource.archive(caller.subject, is_editor=caller.has_any_role({EDITOR}))


def get_resource(query: queries.GetResource, read: ReadConnection) -> views.ResourceView:
    viewer = _viewer()
    with read() as connection:
        found = views.resource(connection, query.resource_id)
    # A draft someone else may not see is reported as missing: its existence is private too.
    if found is None or not found.visible_to(viewer.subject, viewer.is_editor):
        raise ResourceNotFound(query.resource_id)
    return found


def list_resources(query: queries.ListResources, read: ReadConnection) -> Page:
    with read() as connection:
        return views.list_resources(connection, query, _viewer())


def get_story_feed(query: queries.GetStoryFeed, read: ReadConnection) -> StoryFeed:
    with read() as connection:
        stories = views.published_stories(connection, query.max_entries, query.language)
    entries = [
        FeedEntry(
            id=f"tag:ecbm.example.org,2026:resources/{story.id}", title=story.title,
            summary=story.summary, author=story.author_display_name,
            link=story.link or f"{SITE}/chronicle/{story.id}", updated=story.update_time,
            published=story.publish_time,
        )
        for story in stories
    ]  # fmt: skip
    return StoryFeed(CONTENT_TYPE, build_feed(FEED_HEAD, entries, datetime.now(UTC)))


COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    commands.CreateResource: create_resource,
    commands.UpdateResource: update_resource,
    commands.SubmitResource: _step(_submit),
    commands.PublishResource: _step(_publish, editors_only=True),
    commands.ReturnResource: _step(_return, editors_only=True),
    commands.ArchiveResource: _step(_archive),
}
QUERY_HANDLERS: dict[type, Callable[..., Any]] = {
    queries.GetResource: get_resource,
    queries.ListResources: list_resources,
    queries.GetStoryFeed: get_story_feed,
}
