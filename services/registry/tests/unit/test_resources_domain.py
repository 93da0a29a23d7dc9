"""The resource workflow: draft → submitted → published, or returned with comments."""

from __future__ import annotations

import pytest

from ecbm_registry.domain.resource import (
    CommentsRequired,
    NotTheAuthor,
    Resource,
    ResourceArchived,
    ResourceContent,
    ResourceDrafted,
    ResourceKind,
    ResourcePublished,
    ResourceReturned,
    ResourceRevised,
    ResourceStatus,
    ResourceSubmitted,
    StepOutOfOrder,
)

STORY = ResourceContent(kind=ResourceKind.STORY, title="Mentors in Porto", summary="How it began")
DRAFTED = ResourceDrafted(content=STORY, author="author-1", author_display_name="Rita")
SUBMITTED = [DRAFTED, ResourceSubmitted()]


def test_drafting_records_the_author() -> None:
    resource = Resource.draft("r-1", STORY, "author-1", "Rita")

    assert resource.collect_new_events() == [DRAFTED]
    assert resource.status is ResourceStatus.DRAFT


def test_the_author_submits_a_draft() -> None:
    resource = Resource.rebuild("r-1", [DRAFTED])

    resource.submit("author-1")

    assert resource.collect_new_events() == [ResourceSubmitted()]


def test_someone_else_cannot_edit_the_draft() -> None:
    resource = Resource.rebuild("r-1", [DRAFTED])

    with pytest.raises(NotTheAuthor):
        resource.revise(STORY.model_copy(update={"title": "Mine now"}), "intruder")


def test_an_editor_publishes_a_submitted_resource() -> None:
    resource = Resource.rebuild("r-1", SUBMITTED)

    resource.publish("editor-1")

    assert resource.collect_new_events() == [
        ResourcePublished(published_by="editor-1", content=STORY)
    ]


def test_a_draft_cannot_be_published_before_it_is_submitted() -> None:
    resource = Resource.rebuild("r-1", [DRAFTED])

    with pytest.raises(StepOutOfOrder, match="must be submitted"):
        resource.publish("editor-1")


def test_returning_needs_comments() -> None:
    resource = Resource.rebuild("r-1", SUBMITTED)

    with pytest.raises(CommentsRequired):
        resource.return_to_author("   ", "editor-1")


def test_a_returned_resource_can_be_edited_and_resubmitted() -> None:
    resource = Resource.rebuild(
        "r-1", [*SUBMITTED, ResourceReturned(comments="shorter", returned_by="editor-1")]
    )
    shorter = STORY.model_copy(update={"summary": "Began in 2019"})

    resource.revise(shorter, "author-1")
    resource.submit("author-1")

    assert resource.collect_new_events() == [ResourceRevised(content=shorter), ResourceSubmitted()]


def test_a_submitted_resource_cannot_be_edited() -> None:
    resource = Resource.rebuild("r-1", SUBMITTED)

    with pytest.raises(StepOutOfOrder):
        resource.revise(STORY.model_copy(update={"title": "Late"}), "author-1")


def test_an_author_cannot_archive_a_published_resource_but_an_editor_can() -> None:
    resource = Resource.rebuild(
        "r-1", [*SUBMITTED, ResourcePublished(published_by="e", content=STORY)]
    )

    with pytest.raises(StepOutOfOrder):
        resource.archive("author-1", is_editor=False)
    resource.archive("editor-1", is_editor=True)

    assert resource.collect_new_events() == [ResourceArchived(archived_by="editor-1")]
