"""Commands notify accepts: what a person does with their web inbox."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MarkRead(Command):
    recipient_id: str = Field(min_length=1, max_length=64)
    notification_id: str = Field(min_length=1, max_length=64)


class MarkAllRead(Command):
    recipient_id: str = Field(min_length=1, max_length=64)


class PreferenceEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str
    channel: str
    frequency: str


class UpdatePreferences(Command):
    """Set the given topic x channel entries; the others keep their value."""

    recipient_id: str = Field(min_length=1, max_length=64)
    entries: list[PreferenceEntry] = Field(max_length=64)


class Unsubscribe(Command):
    """One click in an e-mail: stop e-mail on the token's topic (no login)."""

    token: str = Field(max_length=2000)
