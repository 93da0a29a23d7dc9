"""What a person does with notify without signing in: follow their verification link."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VerifyEmail(Message):
    """The link's token was followed (the page's button): its address receives mail now."""

    token: str = Field(min_length=1, max_length=400)


class CheckVerificationLink(Message):
    """Whether the link still works, before its page offers the button (changes nothing)."""

    token: str = Field(min_length=1, max_length=400)
