"""Shared resources: research results, publications, manuals and stories for the Chronicle."""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import PermissionDenied, RuleViolation


class ResourceKind(StrEnum):
    RESEARCH_RESULT = "research_result"
    PUBLICATION = "publication"
    MANUAL = "manual"
    STORY = "story"


class ResourceStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PUBLISHED = "published"
    ARCHIVED = "archived"


EDITABLE = frozenset({ResourceStatus.DRAFT, ResourceStatus.RETURNED})


class ResourceContent(BaseModel):
    """What the author writes; replaced as a whole on every edit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ResourceKind
    title: str
    summary: str
    body: str = ""
    link: str = ""
    language: str = "en"
    countries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


class ResourceDrafted(DomainEvent):
    content: ResourceContent
    author: str  # token subject of the author, who alone edits and submits
    author_display_name: str


class ResourceRevised(DomainEvent):
    content: ResourceContent


class ResourceSubmitted(DomainEvent):
    pass


class ResourcePublished(DomainEvent):
    published_by: str
    content: ResourceContent  # what went public: the published version, for the record


class ResourceReturned(DomainEvent):
    comments: str
    returned_by: str


class ResourceArchived(DomainEvent):
    archived_by: str


class StepOutOfOrder(RuleViolation):
    def __init__(self, step: str, status: ResourceStatus, allowed: frozenset[ResourceStatus]):
        expected = " or ".join(sorted(s.value for s in allowed))
        super().__init__(f"cannot {step} a {status.value} resource; it must be {expected}")


class NotTheAuthor(PermissionDenied):
    def __init__(self, step: str) -> None:
        super().__init__(f"only the author may {step} this resource")


class CommentsRequired(RuleViolation):
    def __init__(self) -> None:
        super().__init__("returning a resource needs comments telling the author what to change")


class Resource(Aggregate):
    """A resource on its way from the author's draft to publication.

    Invariants:
    - draft → submitted → published; an editor may return a submitted one with comments,
      then it is editable again and can be resubmitted.
    - Only the author edits, submits and archives a resource that is not published;
      only the workflow's editor steps (publish, return) move a submitted one on.
    - Returning always carries comments; an archived resource changes no more.
    """

    stream_prefix = "resource"

    content: ResourceContent
    author: str
    status: ResourceStatus

    @classmethod
    def draft(
        cls, id: str, content: ResourceContent, author: str, author_display_name: str
    ) -> Self:
        resource = cls(id)
        resource.record(
            ResourceDrafted(content=content, author=author, author_display_name=author_display_name)
        )
        return resource

    def revise(self, content: ResourceContent, by: str) -> None:
        self._guard("edit", EDITABLE)
        self._check_author("edit", by)
        if content != self.content:
            self.record(ResourceRevised(content=content))

    def submit(self, by: str) -> None:
        self._guard("submit", EDITABLE)
        self._check_author("submit", by)
        self.record(ResourceSubmitted())

    def publish(self, by: str) -> None:
        self._guard("publish", frozenset({ResourceStatus.SUBMITTED}))
        self.record(ResourcePublished(published_by=by, content=self.content))

    def return_to_author(self, comments: str, by: str) -> None:
        self._guard("return", frozenset({ResourceStatus.SUBMITTED}))
        if not comments.strip():
            raise CommentsRequired()
        self.record(ResourceReturned(comments=comments, returned_by=by))

    def archive(self, by: str, is_editor: bool) -> None:
        self._guard("archive", frozenset(ResourceStatus) - {ResourceStatus.ARCHIVED})
        if not is_editor:
            self._guard("archive", EDITABLE)
            self._check_author("archive", by)
        self.record(ResourceArchived(archived_by=by))

    def _guard(self, step: str, allowed: frozenset[ResourceStatus]) -> None:
        if self.status not in allowed:
            raise StepOutOfOrder(step, self.status, allowed)

    def _check_author(self, step: str, by: str) -> None:
        if by != self.author:
            raise NotTheAuthor(step)

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: ResourceDrafted) -> None:
        self.content, self.author = event.content, event.author
        self.status = ResourceStatus.DRAFT

    @apply.register
    def _(self, event: ResourceRevised) -> None:
        self.content = event.content

    @apply.register
    def _(self, event: ResourceSubmitted) -> None:
        self.status = ResourceStatus.SUBMITTED

    @apply.register
    def _(self, event: ResourcePublished) -> None:
        self.status = ResourceStatus.PUBLISHED

    @apply.register
    def _(self, event: ResourceReturned) -> None:
        self.status = ResourceStatus.RETURNED

    @apply.register
    def _(self, event: ResourceArchived) -> None:
        self.status = ResourceStatus.ARCHIVED
