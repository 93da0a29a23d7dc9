"""Integration events published by the quality service (exchange ``quality.events``)."""

from ecbm_integration.quality.base import QualityEvent
from ecbm_integration.quality.labels import (
    QualityLabelAwarded,
    QualityLabelWithdrawn,
    QualityLevel,
)

__all__ = ["QualityEvent", "QualityLabelAwarded", "QualityLabelWithdrawn", "QualityLevel"]
