"""The accreditation process as others see it: submissions, audit assignments, committee
decisions, appeals, and what happens to a label afterwards (renewal, surveillance and
conditions reminders; suspension, revocation, expiry). Each names the organisation running
the programme (notify writes to its contact) or the person concerned (an auditor)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ecbm_integration.fields import OccurredAt, ResourceId
from ecbm_integration.quality.base import QualityEvent
from ecbm_integration.quality.labels import QualityStep

Outcome = Literal["award", "award_with_conditions", "refuse"]
AuditorRole = Literal["researcher", "practitioner"]
AppealOutcome = Literal["upheld", "dismissed"]


class SelfAssessmentSubmitted(QualityEvent):
    """A programme submitted its self-assessment for a step; an audit panel comes next."""

    application_id: ResourceId = Field(description="Id of the application: applications/{id}.")
    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: ResourceId = Field(description="Id of the organisation running it.")
    step: QualityStep = Field(description="The step applied for.")
    occurred_at: OccurredAt = Field(description="When it was submitted.")


class AuditAssigned(QualityEvent):
    """A person was assigned to the audit panel of an application (one event per auditor)."""

    application_id: ResourceId = Field(description="Id of the application: applications/{id}.")
    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    person_id: ResourceId = Field(description="The auditor: people/{person_id}.")
    role: AuditorRole = Field(description="Whether they sit as researcher or practitioner.")
    occurred_at: OccurredAt = Field(description="When the panel was assigned.")


class DecisionMade(QualityEvent):
    """The quality committee decided an application."""

    application_id: ResourceId = Field(description="Id of the application: applications/{id}.")
    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: ResourceId = Field(description="Id of the organisation running it.")
    step: QualityStep = Field(description="The step applied for.")
    outcome: Outcome = Field(description="Award, award with conditions, or refuse.")
    reasons: str = Field(default="", max_length=4000, description="Why, in plain text.")
    conditions_due: datetime | None = Field(
        default=None, description="Deadline of the improvement plan, for an award with conditions."
    )
    occurred_at: OccurredAt = Field(description="When the committee decided.")


class AppealLodged(QualityEvent):
    """A programme appealed a decision; people not involved before will decide it."""

    appeal_id: ResourceId = Field(description="Id of the appeal: appeals/{appeal_id}.")
    application_id: ResourceId = Field(description="The application whose decision is appealed.")
    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: ResourceId = Field(description="Id of the organisation running it.")
    occurred_at: OccurredAt = Field(description="When the appeal was lodged.")


class AppealDecided(QualityEvent):
    """An appeal was decided by people not involved before: upheld (the decision is quashed
    and the committee decides the application again) or dismissed (the decision stands)."""

    appeal_id: ResourceId = Field(description="Id of the appeal: appeals/{appeal_id}.")
    application_id: ResourceId = Field(description="The application whose decision was appealed.")
    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: ResourceId = Field(description="Id of the organisation running it.")
    outcome: AppealOutcome = Field(description="Upheld or dismissed.")
    reasons: str = Field(
        default="",
        max_length=4000,
        description="Why, in plain text: the committee's reasons, about the decision and the "
        "evidence, naming no one.",
    )
    occurred_at: OccurredAt = Field(description="When the appeal was decided.")


class RenewalDue(QualityEvent):
    """A label expires soon: the programme should apply again to keep its step."""

    label_code: str = Field(min_length=1, max_length=32, description="The label's public code.")
    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: ResourceId = Field(description="Id of the organisation running it.")
    step: QualityStep = Field(description="The step the label holds.")
    valid_until: datetime = Field(description="When the label expires unless renewed.")
    occurred_at: OccurredAt = Field(description="When the reminder was sent.")


class _LabelFact(QualityEvent):
    label_code: str = Field(min_length=1, max_length=32, description="The label's public code.")
    programme_id: ResourceId = Field(description="Id of the programme: programmes/{programme_id}.")
    organisation_id: ResourceId = Field(description="Id of the organisation running it.")
    step: QualityStep = Field(description="The step the label holds.")


class QualityLabelSuspended(_LabelFact):
    """A label was suspended (by the committee, after surveillance, or because the conditions
    of its award were not met in time); it may be reinstated."""

    reason: str = Field(max_length=2000, description="Why, in plain text.")
    occurred_at: OccurredAt = Field(description="When it was suspended.")


class QualityLabelRevoked(_LabelFact):
    """A label was revoked for good."""

    reason: str = Field(max_length=2000, description="Why, in plain text.")
    occurred_at: OccurredAt = Field(description="When it was revoked.")


class QualityLabelExpired(_LabelFact):
    """A label reached the end of its validity without being renewed."""

    occurred_at: OccurredAt = Field(description="When the worker recorded the expiry.")


class SurveillanceDue(_LabelFact):
    """The label's mid-term surveillance check falls due: the committee reviews the
    programme's evidence and records the outcome (passed, findings, suspension)."""

    due: datetime = Field(description="The mid-term date: halfway through the validity.")
    occurred_at: OccurredAt = Field(description="When the reminder was sent.")


class ConditionsDue(_LabelFact):
    """The conditions of an award (its improvement plan) are due soon and not yet met; the
    label is suspended if they are not met by the deadline."""

    conditions_due: datetime = Field(description="The improvement plan's deadline.")
    occurred_at: OccurredAt = Field(description="When the reminder was sent.")
