"""Queries of the web inbox."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ListNotifications(Query):
    recipient_id: str = Field(min_length=1, max_length=64)
    page_size: int = Field(default=50, ge=1, le=500)
    after: str = ""
    unread_only: bool = False


class GetNotification(Query):
    recipient_id: str = Field(min_length=1, max_length=64)
    notification_id: str = Field(min_length=1, max_length=64)


class LookupRecipient(Query):
    email: EmailStr


class UnreadCount(Query):
    recipient_id: str = Field(min_length=1, max_length=64)


class WatchInbox(Query):
    """Changes to one inbox as they happen; answered with a live `Watch`.

    ``after_position``: resume after this store position (SSE ``Last-Event-ID``): the
    notifications created since then come first. 0: no backlog.
    """

    recipient_id: str = Field(min_length=1, max_length=64)
    after_position: int = Field(default=0, ge=0)
