"""Base of matching's integration events (exchange ``matching.events``)."""

from __future__ import annotations

from typing import ClassVar

from ecbm_integration.base import IntegrationEvent


class MatchingEvent(IntegrationEvent):
    """Base of matching's integration events."""

    source: ClassVar[str] = "matching"
