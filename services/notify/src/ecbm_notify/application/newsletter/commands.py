"""What editors, the public and the worker ask of the newsletter."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ecbm_notify.domain.campaign import Draft, PersonRole
from ecbm_notify.domain.subscriber import Interests, deliverable_address


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CreateCampaign(Command):
    request_id: str = Field(default="", max_length=200)
    draft: Draft


class UpdateCampaign(Command):
    """``changes``: the draft fields to replace (from the field mask); the rest stay."""

    campaign_id: str = Field(min_length=1, max_length=64)
    expected_version: int = Field(default=0, ge=0)  # 0: whatever the version is
    changes: dict[str, Any]


class ScheduleCampaign(Command):
    """``send_at`` None: now (SendCampaign)."""

    campaign_id: str = Field(min_length=1, max_length=64)
    send_at: datetime | None = None


class PauseCampaign(Command):
    campaign_id: str = Field(min_length=1, max_length=64)


class ResumeCampaign(Command):
    campaign_id: str = Field(min_length=1, max_length=64)


class CancelCampaign(Command):
    campaign_id: str = Field(min_length=1, max_length=64)


class Subscribe(Command):
    email: Annotated[str, Field(max_length=320), AfterValidator(deliverable_address)]
    interests: Interests = Interests()


class EraseUnconfirmedSubscriptions(Command):
    """Erase subscriptions whose confirmation link ran out unfollowed (worker timer)."""

    now: datetime | None = None


class ConfirmSubscription(Command):
    token: str = Field(min_length=1, max_length=1000)


class RememberMemberProfile(Command):
    """From the registry's PersonJoined/PersonUpdated: what audiences filter members on."""

    person_id: str
    country: str | None
    roles: tuple[PersonRole, ...] = ()


class ForgetMemberProfile(Command):
    person_id: str


class SendDueCampaigns(Command):
    """The worker's tick: send what is due for at most ``max_seconds``."""

    max_seconds: float = Field(default=5.0, gt=0)
