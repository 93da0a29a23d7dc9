"""The quality service's notifications: the accreditation process as the people in it see it.

The organisation's contact hears of its submission, the committee's decision (critical: a
decision can be appealed, and conditions have a deadline), its appeal and the renewal due;
each auditor hears of their assignment.
"""

from __future__ import annotations

from pydantic import BaseModel

from ecbm_integration import quality
from ecbm_notify.domain.notification_type import Audience, Message, NotificationType
from ecbm_notify.domain.preferences import Topic

_OUTCOMES = {
    "award": "awarded",
    "award_with_conditions": "awarded with conditions",
    "refuse": "refused",
}


def _application_link(event: quality.SelfAssessmentSubmitted | quality.DecisionMade) -> str:
    return f"applications/{event.application_id}"


def _submitted(event: quality.SelfAssessmentSubmitted) -> Message:
    return Message(
        title="Your self-assessment was received",
        body=f"The self-assessment for {event.step.value} was submitted; an audit panel of a "
        "researcher and a practitioner will be assigned next.",
        link=_application_link(event),
    )


def _assigned(event: quality.AuditAssigned) -> Message:
    return Message(
        title="You are asked to audit a mentoring programme",
        body=f"You sit on the audit panel as {event.role}. Score each criterion on your own "
        "first; the panel then agrees on its scores.",
        link=f"applications/{event.application_id}",
    )


def _decided(event: quality.DecisionMade) -> Message:
    outcome = _OUTCOMES[event.outcome]
    due = f" Conditions are due by {event.conditions_due:%Y-%m-%d}." if event.conditions_due else ""
    return Message(
        title=f"Your application for {event.step.value}: {outcome}",
        body=f"The quality committee decided: {outcome}. {event.reasons}".strip() + due,
        link=_application_link(event),
    )


def _appealed(event: quality.AppealLodged) -> Message:
    return Message(
        title="Your appeal was received",
        body="It will be decided by people who were not involved in the audit or the decision.",
        link=f"applications/{event.application_id}",
    )


def _renewal(event: quality.RenewalDue) -> Message:
    return Message(
        title="Your quality label expires soon",
        body=f"Label {event.label_code} ({event.step.value}) is valid until "
        f"{event.valid_until:%Y-%m-%d}. Apply again before then to keep it.",
        link=f"labels/{event.label_code}",
    )


QUALITY_CATALOGUE: dict[type[BaseModel], NotificationType] = {
    quality.SelfAssessmentSubmitted: NotificationType(
        name="quality_self_assessment_submitted",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_submitted,
        context=lambda event: {},
        sample={},
    ),
    quality.AuditAssigned: NotificationType(
        name="quality_audit_assigned",
        topic=Topic.QUALITY,
        audience=Audience.PERSON,
        message=_assigned,
        context=lambda event: {},
        sample={},
    ),
    quality.DecisionMade: NotificationType(
        name="quality_decision_made",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_decided,
        context=lambda event: {"outcome": _OUTCOMES[event.outcome]},
        sample={"outcome": "awarded"},
        critical=True,  # an audit decision: it may be appealed, conditions have a deadline
    ),
    quality.AppealLodged: NotificationType(
        name="quality_appeal_lodged",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_appealed,
        context=lambda event: {},
        sample={},
    ),
    quality.RenewalDue: NotificationType(
        name="quality_renewal_due",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_renewal,
        context=lambda event: {
            "label_code": event.label_code,
            "valid_until": f"{event.valid_until:%Y-%m-%d}",
        },
        sample={"label_code": "Q-7KD9-M2XF", "valid_until": "2029-12-07"},
    ),
}
