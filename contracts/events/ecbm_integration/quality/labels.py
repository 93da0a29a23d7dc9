"""Quality labels of programmes: the three-step quality model's outcome, as others see it.

The model has three steps: a programme first *affiliates* (signs the quality charter),
then passes audits at up to three levels. A programme holds at most one label at a time,
the one awarded last: an award replaces the previous level (up or down) and a withdrawal
leaves the programme without a label. Consumers order facts by ``occurred_at`` and ignore
one older than what they hold, so a late redelivery cannot undo a newer decision.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from ecbm_integration.fields import OccurredAt, ResourceId
from ecbm_integration.quality.base import QualityEvent


class QualityLevel(StrEnum):
    """A step of the quality model, lowest first."""

    AFFILIATED = "affiliated"  # signed the charter; not audited yet
    LEVEL_1 = "level-1"  # audited: meets the basic criteria
    LEVEL_2 = "level-2"  # audited: meets the advanced criteria
    LEVEL_3 = "level-3"  # audited: evidence-based practice, the highest level


class QualityLabelAwarded(QualityEvent):
    """A programme was awarded a quality label (replacing any label it held)."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    level: QualityLevel = Field(description="The level awarded.", examples=["level-2"])
    occurred_at: OccurredAt = Field(description="When the label was awarded.")


class QualityLabelWithdrawn(QualityEvent):
    """A programme's quality label was withdrawn; it holds none now."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    level: QualityLevel = Field(description="The level it held.", examples=["level-1"])
    reason: str = Field(default="", max_length=2000, description="Why, in plain text.")
    occurred_at: OccurredAt = Field(description="When the label was withdrawn.")
