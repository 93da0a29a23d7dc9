"""Commands and queries of the series area."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ecbm_events.application.shapes import EntityId, PageSize, RequestId, Title
from ecbm_events.domain.event import EventKind
from ecbm_runtime.actor import Actor


class CreateSeries(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    kind: EventKind
    title: Title
    description: str = Field(default="", max_length=10000)
    published: bool = False
    request_id: RequestId = ""


class UpdateSeries(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    series_id: EntityId
    title: Title
    description: str = Field(default="", max_length=10000)
    published: bool = False


class GetSeries(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    series_id: EntityId


class ListSeries(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    kind: EventKind | None = None
    page_size: PageSize = 50
    offset: int = Field(default=0, ge=0)
