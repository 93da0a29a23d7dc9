"""Commands of the programme area. Times must carry their offset: a naive time is refused."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from ecbm_events.application.shapes import (
    EntityId,
    OptionalId,
    RequestId,
    TimeZoneName,
    Title,
)
from ecbm_events.domain.event import EventKind
from ecbm_events.domain.materials import MaterialKind
from ecbm_events.domain.places import Mode
from ecbm_events.domain.times import DEFAULT_TIME_ZONE
from ecbm_runtime.actor import Actor

Speaker = Annotated[str, StringConstraints(pattern=r"^people/[A-Za-z0-9_-]{1,64}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class QuotaInput(BaseModel):
    """A quota of places: per ticket type, country (ISO 3166 alpha-2) and/or role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Label
    places: int = Field(ge=0, le=100_000)
    mode: Mode | None = None
    ticket_types: tuple[Label, ...] = Field(default=(), max_length=20)
    countries: tuple[Country, ...] = Field(default=(), max_length=60)
    roles: tuple[Label, ...] = Field(default=(), max_length=20)


class SessionInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Title
    start_time: AwareDatetime
    end_time: AwareDatetime
    room: str = Field(default="", max_length=100)
    online: bool = False
    speakers: tuple[Speaker, ...] = Field(default=(), max_length=20)
    abstract: str = Field(default="", max_length=5000)


class CreateEvent(BaseModel):
    """Create a draft event; the same ``request_id`` again answers with the first event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    kind: EventKind
    title: Title
    description: str = Field(default="", max_length=10000)
    time_zone: TimeZoneName = DEFAULT_TIME_ZONE
    start_time: AwareDatetime
    end_time: AwareDatetime
    venue: str = Field(default="", max_length=500)
    on_site_places: int = Field(default=0, ge=0, le=100_000)
    online_places: int = Field(default=0, ge=0, le=100_000)
    waiting_list: bool = False
    moderated: bool = False
    registration_close_time: AwareDatetime | None = None
    series: str = Field(default="", max_length=200)
    series_id: OptionalId = ""
    stream_url: str = Field(default="", max_length=500, pattern=r"^(https://\S+)?$")
    sessions: tuple[SessionInput, ...] = Field(default=(), max_length=200)
    ticket_types: tuple[Label, ...] = Field(default=(), max_length=20)
    quotas: tuple[QuotaInput, ...] = Field(default=(), max_length=50)
    request_id: RequestId = ""


class PublishEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId


class AddSession(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    session: SessionInput


class SendDueReminders(BaseModel):
    """Timer: publish the reminders that fell due (each once per event)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class MaterialInput(BaseModel):
    """A recording or material: a link, with the file's metadata when it is a file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Title
    url: str = Field(min_length=1, max_length=2000, pattern=r"^https://\S+$")
    kind: MaterialKind
    session_id: str = Field(default="", max_length=64)
    file_name: str = Field(default="", max_length=255)
    media_type: str = Field(default="", max_length=127, pattern=r"^([\w.+-]+/[\w.+-]+)?$")
    size_bytes: int = Field(default=0, ge=0)


class PublishMaterial(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    material: MaterialInput
    request_id: RequestId = ""


class SetEventSeries(BaseModel):
    """Puts an event in a series, or takes it out of its series (``series_id`` "")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    series_id: OptionalId = ""
