"""Queries of the programme area: answered from the read model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ecbm_events.application.shapes import DisplayZone, EntityId, OptionalId, PageSize
from ecbm_events.domain.event import EventKind
from ecbm_runtime.actor import Actor


class GetEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId


class ListEvents(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    kind: EventKind | None = None
    series: str = Field(default="", max_length=200)
    series_id: OptionalId = ""
    page_size: PageSize = 50
    offset: int = Field(default=0, ge=0)


class GetEventCalendar(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId


class DisplayIn(BaseModel):
    """A display zone checked like any other field ("" keeps the event's own)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    display_time_zone: DisplayZone = ""


class ListMaterials(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
