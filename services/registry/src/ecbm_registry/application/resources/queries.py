"""Queries on shared resources, answered from the read model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ecbm_registry.application.network.commands import Id
from ecbm_registry.application.ordering import OrderBy, parse_order_by
from ecbm_registry.domain.resource import ResourceKind, ResourceStatus
from ecbm_registry.domain.vocabulary import LanguageCode
from ecbm_runtime.actor import Actor

RESOURCE_ORDER_FIELDS = ("create_time", "update_time", "publish_time", "title")
NEWEST_FIRST: OrderBy = (("create_time", True),)


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: Actor = Actor()  # drafts are for their author and editors


class GetResource(Query):
    resource_id: Id


class ListResources(Query):
    page_size: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)
    kind: ResourceKind | None = None
    status: ResourceStatus | None = None
    author: Id | None = None
    language: LanguageCode | None = None
    order_by: OrderBy = NEWEST_FIRST

    @field_validator("order_by", mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_order_by(value, RESOURCE_ORDER_FIELDS, NEWEST_FIRST)
        return value


class GetStoryFeed(Query):
    max_entries: int = Field(default=50, ge=1, le=200)
    language: LanguageCode | None = None
