"""Use cases of shared resources: the author's drafts, the editor's workflow, the feed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from ecbm_registry.adapters.paging import Page
from ecbm_registry.adapters.resources import views
from ecbm_registry.adapters.resources.atom_feed import CONTENT_TYPE, FeedEntry, FeedHead, build_feed
from ecbm_registry.adapters.views import RegistryViews
from ecbm_registry.application.network.handlers import StaleVersion
from ecbm_registry.application.resources import commands, queries
from ecbm_registry.domain.resource import Resource, ResourceContent
from ecbm_runtime.actor import Actor
from ecbm_runtime.auth import EDITOR
from ecbm_runtime.errors import NotFound
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_registry.bootstrap import RegistryDependencies

Work: TypeAlias = UnitOfWork[RegistryViews]

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


def _viewer(actor: Actor) -> views.Viewer:
    return views.Viewer(actor.subject or None, actor.has_role(EDITOR))


def _content(fields: dict[str, Any]) -> ResourceContent:
    fields["link"] = str(fields["link"] or "")
    return ResourceContent(**fields)


def _load(work: Work, resource_id: str, expected_version: int, actor: Actor) -> Resource:
    resource = work.repository(Resource).find(resource_id)
    if resource is None or not _viewer_may_see(resource, actor):
        raise ResourceNotFound(resource_id)
    if expected_version and resource.version != expected_version:
        raise StaleVersion(f"resources/{resource_id}", expected_version, resource.version)
    return resource


def _viewer_may_see(resource: Resource, actor: Actor) -> bool:
    viewer = _viewer(actor)
    return viewer.is_editor or resource.author == viewer.subject or resource.status == "published"


def create_resource(command: commands.CreateResource, deps: RegistryDependencies) -> str:
    author = command.actor.require_subject()
    with deps.uow() as work:
        claim = work.claim_request("resource", command.request_id, command)
        if claim.repeated:
            return claim.resource_id
        content = _content(
            command.model_dump(exclude={"request_id", "author_display_name", "actor"})
        )
        resource = Resource.draft(claim.resource_id, content, author, command.author_display_name)
        work.repository(Resource).add(resource)
        work.commit()
    return claim.resource_id


def update_resource(command: commands.UpdateResource, deps: RegistryDependencies) -> str:
    by = command.actor.require_subject()
    with deps.uow() as work:
        resource = _load(work, command.resource_id, command.expected_version, command.actor)
        changes = command.changes.model_dump(exclude_unset=True)
        resource.revise(_content({**resource.content.model_dump(), **changes}), by)
        work.commit()
    return command.resource_id


Step = Callable[[Resource, Any, Actor], None]


def _step(step: Step, editors_only: bool = False) -> Callable[[Any, RegistryDependencies], str]:
    """A workflow use case: load the resource, take ``step`` as the caller, save."""

    def handle(command: commands.Step, deps: RegistryDependencies) -> str:
        caller = command.actor
        if editors_only:
            caller.require_role(EDITOR)
        else:
            caller.require_subject()
        with deps.uow() as work:
            resource = _load(work, command.resource_id, command.expected_version, caller)
            step(resource, command, caller)
            work.commit()
        return command.resource_id

    return handle


def _submit(resource: Resource, command: Any, caller: Actor) -> None:
    resource.submit(caller.subject)


def _publish(resource: Resource, command: Any, caller: Actor) -> None:
    resource.publish(caller.subject)


def _return(resource: Resource, command: commands.ReturnResource, caller: Actor) -> None:
    resource.return_to_author(command.comments, caller.subject)


def _archive(resource: Resource, command: Any, caller: Actor) -> None:
    resource.archive(caller.subject, is_editor=caller.has_role(EDITOR))


def get_resource(query: queries.GetResource, deps: RegistryDependencies) -> views.ResourceView:
    viewer = _viewer(query.actor)
    with deps.read() as read:
        found = read.resources.resource(query.resource_id)
    # A draft someone else may not see is reported as missing: its existence is private too.
    if found is None or not found.visible_to(viewer.subject, viewer.is_editor):
        raise ResourceNotFound(query.resource_id)
    return found


def list_resources(query: queries.ListResources, deps: RegistryDependencies) -> Page:
    with deps.read() as read:
        return read.resources.list_resources(query, _viewer(query.actor))


def get_story_feed(query: queries.GetStoryFeed, deps: RegistryDependencies) -> StoryFeed:
    with deps.read() as read:
        stories = read.resources.published_stories(query.max_entries, query.language)
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


HANDLERS: dict[type, Callable[[Any, RegistryDependencies], Any]] = {
    commands.CreateResource: create_resource,
    commands.UpdateResource: update_resource,
    commands.SubmitResource: _step(_submit),
    commands.PublishResource: _step(_publish, editors_only=True),
    commands.ReturnResource: _step(_return, editors_only=True),
    commands.ArchiveResource: _step(_archive),
    queries.GetResource: get_resource,
    queries.ListResources: list_resources,
    queries.GetStoryFeed: get_story_feed,
}
