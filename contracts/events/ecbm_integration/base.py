"""Base class of every integration event: the published language between services."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict


class IntegrationEvent(BaseModel):
    """A fact one service publishes for the others; the JSON body of a bus message.

    Subclasses are named in the past tense (``ProgrammeRegistered``); the class name is the
    event type, i.e. the AMQP routing key on the topic exchange ``<source>.events``.

    Producers build events strictly (an unknown keyword is an error: a typo, not a field);
    consumers read them with :meth:`read`, a tolerant reader that ignores fields it does not
    know, so a producer may add optional fields before every consumer has the new model.
    Any other change (a field removed, made required, retyped; an enum value added or
    removed) means a new event type or ``schema_version``, never an edit in place.
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

    @classmethod
    def read(cls, body: Any) -> Self:
        """Parse a consumed message body (JSON text or decoded), ignoring unknown fields."""
        if isinstance(body, bytes | bytearray | str):
            return cls.model_validate_json(body, extra="ignore")
        return cls.model_validate(body, extra="ignore")
