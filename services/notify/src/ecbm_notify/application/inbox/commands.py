"""Commands of the web inbox: what a person does with their notifications."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MarkRead(Command):
    recipient_id: str = Field(min_length=1, max_length=64)
    notification_id: str = Field(min_length=1, max_length=64)


class MarkAllRead(Command):
    recipient_id: str = Field(min_length=1, max_length=64)
