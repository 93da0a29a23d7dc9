"""Base of the quality service's integration events (exchange ``quality.events``)."""

from __future__ import annotations

from typing import ClassVar

from ecbm_integration.base import IntegrationEvent


class QualityEvent(IntegrationEvent):
    """Base of the quality service's integration events."""

    source: ClassVar[str] = "quality"
