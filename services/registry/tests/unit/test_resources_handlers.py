"""Shared-resource command handlers on in-memory records: the editorial workflow."""

from __future__ import annotations

import pytest
from fakes import InMemoryRegistry

from ecbm_registry.application.resources import commands
from ecbm_registry.application.resources.handlers import ResourceNotFound
from ecbm_registry.domain.resource import NotTheAuthor, StepOutOfOrder
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import PermissionDenied

ANA = Actor(subject="ana", roles=frozenset({"member"}))
BEN = Actor(subject="ben", roles=frozenset({"member"}))
EDITOR = Actor(subject="ed", roles=frozenset({"editor"}))


@pytest.fixture
def registry() -> InMemoryRegistry:
    return InMemoryRegistry()


@pytest.fixture
def draft(registry: InMemoryRegistry) -> str:
    command = commands.CreateResource(
        actor=ANA, kind="story", title="Mentors in Ghent", summary="How it began",
        author_display_name="Ana",
    )  # fmt: skip
    return str(registry.handle(command))


def test_an_author_drafts_a_resource(registry: InMemoryRegistry, draft: str) -> None:
    (drafted,) = registry.stored(f"resource-{draft}")
    assert (drafted.type, drafted.data["author"]) == ("ResourceDrafted", "ana")
    assert registry.records.outbox == []  # nothing is published before an editor does


def test_only_the_author_revises_a_draft_others_do_not_even_see_it(
    registry: InMemoryRegistry, draft: str
) -> None:
    changes = commands.ResourceChanges(title="Mentors in Ghent, 2020-2026")
    registry.handle(
        commands.UpdateResource(actor=ANA, resource_id=draft, expected_version=1, changes=changes)
    )
    with pytest.raises(ResourceNotFound):
        registry.handle(
            commands.UpdateResource(
                actor=BEN, resource_id=draft, expected_version=2, changes=changes
            )
        )

    assert registry.event_types(f"resource-{draft}")[-1] == "ResourceRevised"


def test_submitted_and_published_by_an_editor_it_is_published(
    registry: InMemoryRegistry, draft: str
) -> None:
    registry.handle(commands.SubmitResource(actor=ANA, resource_id=draft))
    with pytest.raises(PermissionDenied):
        registry.handle(commands.PublishResource(actor=ANA, resource_id=draft))
    registry.handle(commands.PublishResource(actor=EDITOR, resource_id=draft))

    assert registry.event_types(f"resource-{draft}")[1:] == [
        "ResourceSubmitted",
        "ResourcePublished",
    ]
    assert len(registry.published("ResourcePublished")) == 1


def test_an_editor_returns_a_submitted_draft_not_an_unsubmitted_one(
    registry: InMemoryRegistry, draft: str
) -> None:
    returned = commands.ReturnResource(actor=EDITOR, resource_id=draft, comments="shorter")
    with pytest.raises(StepOutOfOrder):
        registry.handle(returned)
    registry.handle(commands.SubmitResource(actor=ANA, resource_id=draft))
    registry.handle(returned)

    assert registry.event_types(f"resource-{draft}")[-1] == "ResourceReturned"


def test_an_author_archives_their_draft_a_published_one_only_an_editor(
    registry: InMemoryRegistry, draft: str
) -> None:
    registry.handle(commands.SubmitResource(actor=ANA, resource_id=draft))
    registry.handle(commands.PublishResource(actor=EDITOR, resource_id=draft))
    with pytest.raises((NotTheAuthor, StepOutOfOrder)):
        registry.handle(commands.ArchiveResource(actor=ANA, resource_id=draft))

    registry.handle(commands.ArchiveResource(actor=EDITOR, resource_id=draft))

    assert registry.event_types(f"resource-{draft}")[-1] == "ResourceArchived"
