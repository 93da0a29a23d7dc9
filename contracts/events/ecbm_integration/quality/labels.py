"""Quality labels of programmes: the three-step quality model's outcome, as others see it.

The model has three steps, each reached only from the one below: a programme is
*affiliated* while the organisation running it holds an approved membership of the Center;
it becomes *accredited*, then *accredited with distinction*, by audit. A programme holds
at most one label at a time, the one awarded last: an award replaces the previous step (up
or down) and a withdrawal leaves the programme without a label. Consumers order facts by
``occurred_at`` and ignore one older than what they hold, so a late redelivery cannot
undo a newer decision.

Schema version 2 (2026.12) replaced version 1's four tiers (``level``: affiliated,
level-1, level-2, level-3) by the three steps (``step``). Consumers read either body:
:func:`upcast_v1` turns a version-1 body into version 2 before validation (level-1 became
accredited; level-2 and level-3 both became accredited with distinction).

``organisation_id`` (optional, 2026.12) names the organisation running the programme, so
a consumer can reach its coordinators without a lookup; empty in bodies published before.
What happened to one label (suspended, revoked, expired) is told by the label events of
``ecbm_integration.quality.accreditation``: these two only follow the step.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field, model_validator

from ecbm_integration.fields import OccurredAt, ResourceId
from ecbm_integration.quality.base import QualityEvent


class QualityStep(StrEnum):
    """A step of the quality model, lowest first."""

    AFFILIATED = "affiliated"  # the organisation is a member of the Center; not audited
    ACCREDITED = "accredited"  # audited: meets the criteria required for step 2
    DISTINCTION = "distinction"  # audited: accredited with distinction (step 3)


_V1_LEVELS = {
    "affiliated": QualityStep.AFFILIATED,
    "level-1": QualityStep.ACCREDITED,
    "level-2": QualityStep.DISTINCTION,
    "level-3": QualityStep.DISTINCTION,
}


def upcast_v1(body: Any) -> Any:
    """A version-1 body (``level``) as version 2 (``step``); any other body unchanged."""
    if isinstance(body, dict) and "level" in body and "step" not in body:
        level = body["level"]
        rest = {key: value for key, value in body.items() if key != "level"}
        return {**rest, "step": _V1_LEVELS.get(str(level), level)}
    return body


class _LabelEvent(QualityEvent):
    schema_version: ClassVar[int] = 2

    @model_validator(mode="before")
    @classmethod
    def _upcast(cls, body: Any) -> Any:
        return upcast_v1(body)


class QualityLabelAwarded(_LabelEvent):
    """A programme was awarded a step of the quality model (replacing any label it held)."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: str = Field(
        default="", max_length=64, description="Id of the organisation running it; may be empty."
    )
    step: QualityStep = Field(description="The step awarded.", examples=["accredited"])
    label_code: str = Field(
        default="",
        max_length=32,
        description="Public code to verify the label with; empty for affiliation.",
    )
    valid_until: datetime | None = Field(
        default=None, description="When the label expires unless renewed; none for affiliation."
    )
    occurred_at: OccurredAt = Field(description="When the label was awarded.")


class QualityLabelWithdrawn(_LabelEvent):
    """A programme's quality label was withdrawn (expiry, suspension, revocation, membership
    ended); it holds none now."""

    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: str = Field(
        default="", max_length=64, description="Id of the organisation running it; may be empty."
    )
    step: QualityStep = Field(description="The step it held.", examples=["accredited"])
    reason: str = Field(default="", max_length=2000, description="Why, in plain text.")
    occurred_at: OccurredAt = Field(description="When the label was withdrawn.")
