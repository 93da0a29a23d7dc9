"""The quality service's notifications: the accreditation process as the people in it see it.

The organisation's contact hears of its submission, the committee's decision (critical: a
decision can be appealed, and conditions have a deadline), its appeal and the appeal's
outcome (critical: upheld, the application is decided again; dismissed, it is final), and
what happens to its label afterwards: renewal due, the mid-term surveillance check,
conditions due soon, suspension and revocation (critical: the badge on its website stops
showing valid) and expiry. Each auditor hears of their assignment. The committee hears of
what waits for it: a submitted self-assessment needs its audit panel, a lodged appeal a
panel of people not involved before (``QUALITY_COMMITTEE_CATALOGUE``).
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


def _appeal_decided(event: quality.AppealDecided) -> Message:
    if event.outcome == "upheld":
        title = "Your appeal was upheld"
        then = "The decision is quashed: the quality committee decides your application again."
    else:
        title = "Your appeal was dismissed"
        then = "The decision stands."
    reasons = f" {_sentence(event.reasons)}" if event.reasons.strip() else ""
    return Message(
        title=title,
        body=f"{then}{reasons}",
        link=f"appeals/{event.appeal_id}",
    )


def _appeal_context(event: quality.AppealDecided) -> dict[str, str]:
    reasons = _sentence(event.reasons) if event.reasons.strip() else ""
    return {"upheld": "yes" if event.outcome == "upheld" else "", "reasons": reasons}


def _renewal(event: quality.RenewalDue) -> Message:
    return Message(
        title="Your quality label expires soon",
        body=f"Label {event.label_code} ({event.step.value}) is valid until "
        f"{event.valid_until:%Y-%m-%d}. Apply again before then to keep it.",
        link=f"labels/{event.label_code}",
    )


def _sentence(text: str) -> str:
    """The reason as a sentence the template continues after."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _label_link(event: quality.QualityLabelSuspended | quality.QualityLabelRevoked) -> str:
    return f"labels/{event.label_code}"


def _suspended(event: quality.QualityLabelSuspended) -> Message:
    return Message(
        title="Your quality label is suspended",
        body=f"Label {event.label_code} ({event.step.value}) is suspended: "
        f"{_sentence(event.reason)} It does not show as valid until the committee reinstates it.",
        link=_label_link(event),
    )


def _revoked(event: quality.QualityLabelRevoked) -> Message:
    return Message(
        title="Your quality label is revoked",
        body=f"Label {event.label_code} ({event.step.value}) was revoked: "
        f"{_sentence(event.reason)} The programme may apply again.",
        link=_label_link(event),
    )


def _expired(event: quality.QualityLabelExpired) -> Message:
    return Message(
        title="Your quality label has expired",
        body=f"Label {event.label_code} ({event.step.value}) reached the end of its validity. "
        "Apply again to hold the step once more.",
        link=f"labels/{event.label_code}",
    )


def _surveillance(event: quality.SurveillanceDue) -> Message:
    return Message(
        title="Mid-term check of your quality label",
        body=f"Label {event.label_code} ({event.step.value}) is halfway through its validity: "
        "the quality committee will check that the programme still meets its step.",
        link=f"labels/{event.label_code}",
    )


def _conditions(event: quality.ConditionsDue) -> Message:
    return Message(
        title="The conditions of your quality label are due soon",
        body=f"The conditions of label {event.label_code} are due by "
        f"{event.conditions_due:%Y-%m-%d}; unmet, the label is suspended then.",
        link=f"labels/{event.label_code}",
    )


def _panel_needed(event: quality.SelfAssessmentSubmitted) -> Message:
    return Message(
        title=f"An application for {event.step.value} awaits its audit panel",
        body=f"The self-assessment of programme {event.programme_id} for {event.step.value} "
        "was submitted. Propose its panel: a researcher and a practitioner without a "
        "conflict of interest.",
        link=_application_link(event),
    )


def _appeal_panel_needed(event: quality.AppealLodged) -> Message:
    return Message(
        title="An appeal awaits the committee",
        body=f"The decision on application {event.application_id} (programme "
        f"{event.programme_id}) was appealed. Form its panel of people who took no part "
        "in the audit or the decision.",
        link=f"appeals/{event.appeal_id}",
    )


# What the committee hears of, beside what the organisation's contact hears of the same event.
QUALITY_COMMITTEE_CATALOGUE: dict[type[BaseModel], NotificationType] = {
    quality.SelfAssessmentSubmitted: NotificationType(
        name="committee_self_assessment_submitted",
        topic=Topic.QUALITY,
        audience=Audience.COMMITTEE,
        message=_panel_needed,
        context=lambda event: {"step": event.step.value, "programme_id": event.programme_id},
        sample={"step": "accredited", "programme_id": "p-123"},
    ),
    quality.AppealLodged: NotificationType(
        name="committee_appeal_lodged",
        topic=Topic.QUALITY,
        audience=Audience.COMMITTEE,
        message=_appeal_panel_needed,
        context=lambda event: {
            "application_id": event.application_id,
            "programme_id": event.programme_id,
        },
        sample={"application_id": "a-123", "programme_id": "p-123"},
    ),
}

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
    quality.AppealDecided: NotificationType(
        name="quality_appeal_decided",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_appeal_decided,
        context=_appeal_context,
        sample={"upheld": "yes", "reasons": "The evidence on training was overlooked."},
        critical=True,  # upheld: the application is decided again; dismissed: it is final
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
    quality.QualityLabelSuspended: NotificationType(
        name="quality_label_suspended",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_suspended,
        context=lambda event: {"label_code": event.label_code, "reason": _sentence(event.reason)},
        sample={"label_code": "Q-7KD9-M2XF", "reason": "A complaint is being investigated."},
        critical=True,  # the badge on the programme's website stops showing valid
    ),
    quality.QualityLabelRevoked: NotificationType(
        name="quality_label_revoked",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_revoked,
        context=lambda event: {"label_code": event.label_code, "reason": _sentence(event.reason)},
        sample={"label_code": "Q-7KD9-M2XF", "reason": "Screening was not done."},
        critical=True,
    ),
    quality.QualityLabelExpired: NotificationType(
        name="quality_label_expired",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_expired,
        context=lambda event: {"label_code": event.label_code},
        sample={"label_code": "Q-7KD9-M2XF"},
    ),
    quality.SurveillanceDue: NotificationType(
        name="quality_surveillance_due",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_surveillance,
        context=lambda event: {"label_code": event.label_code, "due": f"{event.due:%Y-%m-%d}"},
        sample={"label_code": "Q-7KD9-M2XF", "due": "2028-06-07"},
    ),
    quality.ConditionsDue: NotificationType(
        name="quality_conditions_due",
        topic=Topic.QUALITY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_conditions,
        context=lambda event: {
            "label_code": event.label_code,
            "conditions_due": f"{event.conditions_due:%Y-%m-%d}",
        },
        sample={"label_code": "Q-7KD9-M2XF", "conditions_due": "2027-06-01"},
        critical=True,  # unmet, the label is suspended at the deadline
    ),
}
