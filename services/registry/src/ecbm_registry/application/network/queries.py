"""Queries of the Brussels network, answered from its read models."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ecbm_registry.application.network.commands import Id
from ecbm_registry.application.ordering import OrderBy, parse_order_by
from ecbm_registry.domain.interaction import InteractionKind
from ecbm_registry.domain.policy_contact import ContactKind, Stance
from ecbm_registry.domain.taxonomy import FocusArea
from ecbm_registry.domain.vocabulary import CountryCode

CONTACT_ORDER_FIELDS = ("stance", "display_name", "country", "create_time", "update_time")


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GetPolicyContact(Query):
    contact_id: Id


class ListPolicyContacts(Query):
    page_size: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)
    country: CountryCode | None = None
    kind: ContactKind | None = None
    stances: tuple[Stance, ...] = ()  # any of these; empty: any stance
    topic: FocusArea | None = None
    show_withdrawn: bool = False
    order_by: OrderBy = (("display_name", False),)

    @field_validator("order_by", mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_order_by(value, CONTACT_ORDER_FIELDS, (("display_name", False),))
        return value


class GetInteraction(Query):
    interaction_id: Id


class GetStanceHistory(Query):
    contact_id: Id


class ListInteractions(Query):
    page_size: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)
    contact_id: Id | None = None  # None: every contact (parent "policyContacts/-")
    participant: Id | None = None
    kind: InteractionKind | None = None
    occurred_from: date | None = None  # inclusive
    occurred_to: date | None = None  # inclusive


class SummariseSupport(Query):
    kind: ContactKind | None = None
    country: CountryCode | None = None
