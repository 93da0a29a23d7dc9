"""Shared resources through the bus: authors' drafts, the editors' workflow, the story feed."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from ecbm_registry.adapters.resources.atom_feed import ATOM_NS
from ecbm_registry.application.resources import commands, queries
from ecbm_registry.application.resources.handlers import ResourceNotFound
from ecbm_registry.bootstrap import Registry
from ecbm_registry.domain.resource import StepOutOfOrder
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.tables import outbox

AUTHOR = Principal("author-1", frozenset({"member"}))
OTHER = Principal("author-2", frozenset({"member"}))
EDITOR = Principal("editor-1", frozenset({"editor"}))


def story(title: str = "Mentors in Porto", **changes: object) -> commands.CreateResource:
    fields: dict[str, object] = {
        "kind": "story", "title": title, "summary": "How <it> began & grew",
        "author_display_name": "Rita Sousa", "countries": ("PT",),
    }  # fmt: skip
    return commands.CreateResource(**{**fields, **changes})


def published(registry: Registry, title: str) -> str:
    with acting_as(AUTHOR):
        made = registry.bus.handle(story(title))
        registry.bus.handle(commands.SubmitResource(resource_id=made.id))
    with acting_as(EDITOR):
        registry.bus.handle(commands.PublishResource(resource_id=made.id))
    return str(made.id)


def test_a_published_story_is_public_and_announced(registry: Registry) -> None:
    resource_id = published(registry, "Mentors in Porto")

    found = registry.bus.handle(queries.GetResource(resource_id=resource_id))

    assert found.status == "published" and found.publish_time is not None
    with registry.engine.connect() as connection:
        rows = connection.execute(select(outbox)).mappings().all()
    assert [r["routing_key"] for r in rows] == ["ResourcePublished"]
    assert json.loads(rows[0]["body"])["title"] == "Mentors in Porto"


def test_a_draft_is_hidden_from_everyone_but_its_author_and_editors(registry: Registry) -> None:
    with acting_as(AUTHOR):
        draft = registry.bus.handle(story())

    with acting_as(EDITOR):
        assert registry.bus.handle(queries.GetResource(resource_id=draft.id)).id == draft.id
    with acting_as(OTHER), pytest.raises(ResourceNotFound):
        registry.bus.handle(queries.GetResource(resource_id=draft.id))
    assert registry.bus.handle(queries.ListResources()).total_size == 0


def test_a_returned_resource_carries_the_comments_and_can_be_resubmitted(
    registry: Registry,
) -> None:
    with acting_as(AUTHOR):
        draft = registry.bus.handle(story())
        registry.bus.handle(commands.SubmitResource(resource_id=draft.id))
    with acting_as(EDITOR):
        returned = registry.bus.handle(
            commands.ReturnResource(resource_id=draft.id, comments="add a quote")
        )
    with acting_as(AUTHOR):
        registry.bus.handle(
            commands.UpdateResource(
                resource_id=draft.id, expected_version=returned.version,
                changes={"summary": "With a quote"},
            )
        )  # fmt: skip
        again = registry.bus.handle(commands.SubmitResource(resource_id=draft.id))

    assert returned.review_comments == "add a quote"
    assert (again.status, again.summary) == ("submitted", "With a quote")


def test_publishing_a_draft_that_was_not_submitted_is_out_of_order(registry: Registry) -> None:
    with acting_as(AUTHOR):
        draft = registry.bus.handle(story())

    with acting_as(EDITOR), pytest.raises(StepOutOfOrder):
        registry.bus.handle(commands.PublishResource(resource_id=draft.id))


def test_an_author_cannot_publish_their_own_resource(registry: Registry) -> None:
    with acting_as(AUTHOR):
        draft = registry.bus.handle(story())
        registry.bus.handle(commands.SubmitResource(resource_id=draft.id))

        with pytest.raises(PermissionDenied):
            registry.bus.handle(commands.PublishResource(resource_id=draft.id))


def test_the_feed_holds_published_stories_newest_first(registry: Registry) -> None:
    published(registry, "First & <oldest>")
    published(registry, "Second")
    with acting_as(AUTHOR):
        registry.bus.handle(story("Still a draft"))

    feed = registry.bus.handle(queries.GetStoryFeed())

    root = ET.fromstring(feed.data)
    titles = [e.findtext(f"{{{ATOM_NS}}}title") for e in root.findall(f"{{{ATOM_NS}}}entry")]
    assert titles == ["Second", "First & <oldest>"]
    assert feed.content_type.startswith("application/atom+xml")
