"""Commands of the e-mail side: preferences, unsubscribe links, and the worker's timers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ecbm_notify.domain.preferences import Frequency


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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


class SendDueMail(Command):
    """The worker's tick: send up to ``limit`` due deliveries. ``now`` None: the clock's."""

    now: datetime | None = None
    limit: int = Field(default=200, ge=1)


class MakeDigests(Command):
    """The worker's tick: this period's digests of ``frequency``, once per person."""

    frequency: Frequency
    now: datetime | None = None
