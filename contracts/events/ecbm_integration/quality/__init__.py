"""Integration events published by the quality service (exchange ``quality.events``)."""

from ecbm_integration.quality.accreditation import (
    AppealLodged,
    AuditAssigned,
    DecisionMade,
    RenewalDue,
    SelfAssessmentSubmitted,
)
from ecbm_integration.quality.base import QualityEvent
from ecbm_integration.quality.labels import (
    QualityLabelAwarded,
    QualityLabelWithdrawn,
    QualityStep,
    upcast_v1,
)

__all__ = [
    "AppealLodged",
    "AuditAssigned",
    "DecisionMade",
    "QualityEvent",
    "QualityLabelAwarded",
    "QualityLabelWithdrawn",
    "QualityStep",
    "RenewalDue",
    "SelfAssessmentSubmitted",
    "upcast_v1",
]
