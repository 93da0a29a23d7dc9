"""Commands of the registrations area: frozen messages, their shape checked when built."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecbm_events.application.shapes import EntityId, RequestId
from ecbm_events.domain.places import Mode
from ecbm_runtime.actor import Actor

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Answer = Annotated[str, StringConstraints(max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class RegisterForEvent(BaseModel):
    """Register the caller; registering again answers with their open registration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    mode: Mode
    answers: dict[Question, Answer] = Field(default_factory=dict, max_length=20)
    ticket_type: Label = ""
    country: Annotated[str, StringConstraints(pattern=r"^([A-Z]{2})?$")] = ""
    role: Label = ""
    request_id: RequestId = ""


class RegistrationCommand(BaseModel):
    """A command on one registration, named events/{event_id}/registrations/{id}."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    registration_id: EntityId


class ApproveRegistration(RegistrationCommand):
    pass


class DeclineRegistration(RegistrationCommand):
    reason: Reason = ""


class CancelRegistration(RegistrationCommand):
    reason: Reason = ""


class AcceptPlace(RegistrationCommand):
    pass


class IssueTicket(RegistrationCommand):
    pass


class RecordNoShow(RegistrationCommand):
    pass


class IssueCertificate(RegistrationCommand):
    holder_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]


class VerifyCertificate(BaseModel):
    """Anyone: the certificate a code names (case, spaces and dashes do not matter)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=32)]


class CheckIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    token: Token
    session_id: str = Field(default="", max_length=64)


class JoinOnline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    token: Token


class LapseOffers(BaseModel):
    """Timer: offers not taken in time go to the next person waiting (at most ``limit``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    limit: int = Field(default=100, ge=1)


class EraseExpiredAnswers(BaseModel):
    """Timer: delete the form answers of events that ended longer ago than the retention."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    limit: int = Field(default=500, ge=1)


class QuotaPlaces(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Label
    places: int = Field(ge=0, le=100_000)


class ChangePlaces(BaseModel):
    """New limits of an event's places (None: unchanged) and of quotas named."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    on_site_places: int | None = Field(default=None, ge=0, le=100_000)
    online_places: int | None = Field(default=None, ge=0, le=100_000)
    quotas: tuple[QuotaPlaces, ...] = Field(default=(), max_length=50)
