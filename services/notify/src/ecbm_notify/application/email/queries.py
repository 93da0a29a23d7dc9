"""Queries of the e-mail side: preferences, unsubscribe links, the delivery log."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GetPreferences(Query):
    recipient_id: str = Field(min_length=1, max_length=64)


class CheckUnsubscribeToken(Query):
    """What a token would unsubscribe from (the confirmation page), changing nothing."""

    token: str = Field(max_length=2000)


class ListDeliveries(Query):
    """The delivery log for operators, newest first."""

    recipient_id: str = Field(default="", max_length=64)
    notification_type: str = Field(default="", max_length=80)
    status: str = Field(default="", max_length=20)
    channel: str = Field(default="", max_length=16)
    page_size: int = Field(default=50, ge=1, le=500)
    after: tuple[str, str] | None = None
