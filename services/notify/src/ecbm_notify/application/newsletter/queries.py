"""What editors read about campaigns and subscribers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GetCampaign(Query):
    campaign_id: str = Field(min_length=1, max_length=64)


class ListCampaigns(Query):
    state: Literal["draft", "scheduled", "sending", "paused", "sent", "cancelled"] | None = None
    page_size: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class PreviewCampaign(Query):
    """The mail as ``recipient_name`` would get it; nothing is sent."""

    campaign_id: str = Field(min_length=1, max_length=64)
    recipient_name: str = Field(default="Ana Silva", max_length=200)


class ListSubscribers(Query):
    state: Literal["pending", "confirmed", "unsubscribed"] | None = None
    page_size: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class GetSubscriber(Query):
    subscriber_id: str = Field(min_length=1, max_length=64)
