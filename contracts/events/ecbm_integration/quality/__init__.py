"""Integration events published by the quality service (exchange ``quality.events``)."""

from ecbm_integration.quality.accreditation import (
    AppealDecided,
    AppealLodged,
    AuditAssigned,
    ConditionsDue,
    DecisionMade,
    QualityLabelExpired,
    QualityLabelRevoked,
    QualityLabelSuspended,
    RenewalDue,
    SelfAssessmentSubmitted,
    SurveillanceDue,
)
from ecbm_integration.quality.base import QualityEvent
from ecbm_integration.quality.labels import (
    QualityLabelAwarded,
    QualityLabelWithdrawn,
    QualityStep,
    upcast_v1,
)

__all__ = [
    "AppealDecided",
    "AppealLodged",
    "AuditAssigned",
    "ConditionsDue",
    "DecisionMade",
    "QualityEvent",
    "QualityLabelAwarded",
    "QualityLabelExpired",
    "QualityLabelRevoked",
    "QualityLabelSuspended",
    "QualityLabelWithdrawn",
    "QualityStep",
    "RenewalDue",
    "SelfAssessmentSubmitted",
    "SurveillanceDue",
    "upcast_v1",
]
