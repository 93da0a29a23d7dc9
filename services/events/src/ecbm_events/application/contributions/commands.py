"""Commands and queries of the contributions area."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ecbm_events.application.shapes import EntityId, PageSize, RequestId, Title
from ecbm_runtime.actor import Actor


class ProposeContribution(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    title: Title
    abstract: str = Field(default="", max_length=5000)
    request_id: RequestId = ""


class ContributionCommand(BaseModel):
    """A message about one contribution, named events/{event_id}/contributions/{id}."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    contribution_id: EntityId


class SlotInput(BaseModel):
    """When and where an accepted contribution takes place (its title and speaker are its own)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start_time: AwareDatetime
    end_time: AwareDatetime
    room: str = Field(default="", max_length=100)
    online: bool = False


class ReviewContribution(ContributionCommand):
    decision: Literal["accept", "reject", "request_changes"]
    note: str = Field(default="", max_length=2000)
    session: SlotInput | None = None


class ReviseContribution(ContributionCommand):
    title: Title
    abstract: str = Field(default="", max_length=5000)


class GetContribution(ContributionCommand):
    pass


class ListContributions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    event_id: EntityId
    page_size: PageSize = 50
    offset: int = Field(default=0, ge=0)
