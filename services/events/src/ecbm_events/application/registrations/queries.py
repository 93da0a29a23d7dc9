"""Queries of the registrations area."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ecbm_events.application.shapes import EntityId, PageSize
from ecbm_events.domain.registration import RegistrationState
from ecbm_runtime.actor import Actor


class GetRegistration(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    registration_id: EntityId


class ListRegistrations(BaseModel):
    """An event's registrations (``event_id``), or the caller's own everywhere (None)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId | None = None
    state: RegistrationState | None = None
    page_size: PageSize = 50
    offset: int = Field(default=0, ge=0)


class GetMyCalendar(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor


class GetCalendarFeed(BaseModel):
    """A personal feed fetched by a calendar app: the signed token says whose."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token: str = Field(min_length=1, max_length=2000)
