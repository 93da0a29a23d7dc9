"""Commands on shared resources; their shape is validated when they are built."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from ecbm_registry.application.network.commands import Id
from ecbm_registry.domain.resource import ResourceKind
from ecbm_registry.domain.taxonomy import FocusArea
from ecbm_registry.domain.vocabulary import CountryCode, LanguageCode
from ecbm_runtime.actor import Actor


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Action(Command):
    actor: Actor = Actor()  # who acts: the author of a draft, an editor deciding on it


class CreateResource(Action):
    request_id: str = Field(default="", max_length=100)
    kind: ResourceKind
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(min_length=1, max_length=2000)
    body: str = Field(default="", max_length=100_000)
    link: HttpUrl | None = None
    language: LanguageCode = "en"
    countries: tuple[CountryCode, ...] = Field(default=(), max_length=60)
    topics: tuple[FocusArea, ...] = Field(default=(), max_length=20)
    author_display_name: str = Field(min_length=1, max_length=200)


class ResourceChanges(Command):
    """The fields named in the update mask, with their new values; absent ones stay."""

    kind: ResourceKind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    summary: str | None = Field(default=None, min_length=1, max_length=2000)
    body: str | None = Field(default=None, max_length=100_000)
    link: HttpUrl | None = None
    language: LanguageCode | None = None
    countries: tuple[CountryCode, ...] | None = Field(default=None, max_length=60)
    topics: tuple[FocusArea, ...] | None = Field(default=None, max_length=20)


class UpdateResource(Action):
    resource_id: Id
    expected_version: int = Field(ge=1)
    changes: ResourceChanges


class Step(Action):
    resource_id: Id
    expected_version: int = Field(default=0, ge=0)  # 0: no check


class SubmitResource(Step):
    pass


class PublishResource(Step):
    pass


class ReturnResource(Step):
    comments: str = Field(min_length=1, max_length=5000)


class ArchiveResource(Step):
    pass
