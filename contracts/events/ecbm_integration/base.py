"""Base class of every integration event: the published language between services."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class IntegrationEvent(BaseModel):
    """A fact one service publishes for the others; the JSON body of a bus message.

    Subclasses are named in the past tense (``ProgrammeRegistered``); the class name is the
    event type, i.e. the AMQP routing key on the topic exchange ``<source>.events``.
    Changing a field in an incompatible way means a new class version (``schema_version``),
    never an edit in place.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: ClassVar[str]
    """Publishing service, e.g. ``"registry"``; the exchange is ``<source>.events``."""

    schema_version: ClassVar[int] = 1
    """Version of this event's schema; sent in the ``schema_version`` header."""

    @classmethod
    def event_type(cls) -> str:
        """The event type: the class name, used as AMQP routing key."""
        return cls.__name__
