"""Commands and queries of the quality service (the worker's registry events come as they are)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from ecbm_quality.domain.application import AppealState, Outcome
from ecbm_quality.domain.criteria import CriteriaContent
from ecbm_quality.domain.label import Standing, SurveillanceOutcome
from ecbm_quality.domain.panel import PanelRole
from ecbm_quality.domain.steps import Step
from ecbm_runtime.actor import Actor

EntityId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]
# Typed by hand from a badge: case and surrounding blanks do not matter.
LabelCode = Annotated[
    str,
    BeforeValidator(lambda code: code.strip().upper() if isinstance(code, str) else code),
    StringConstraints(pattern=r"^Q-[A-Z0-9]{4}-[A-Z0-9]{4}$"),
]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
PageSize = Annotated[int, Field(ge=1, le=500)]


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Command(_Message):
    actor: Actor


# -- criteria sets -----------------------------------------------------------------------
class DraftCriteriaSet(_Command):
    version: int = Field(ge=1, le=999)
    content: CriteriaContent


class PublishCriteriaSet(_Command):
    criteria_set: EntityId


class RetireCriteriaSet(_Command):
    criteria_set: EntityId


class GetCriteriaSet(_Message):
    criteria_set: EntityId


# -- applications ------------------------------------------------------------------------
class OpenApplication(_Command):
    programme_id: EntityId
    step: Step
    request_id: Annotated[str, Field(max_length=64)] = ""


class AssessCriterion(_Command):
    application_id: EntityId
    code: Annotated[str, Field(min_length=1, max_length=16)]
    score: int
    evidence: tuple[Annotated[str, Field(min_length=1, max_length=500)], ...] = ()
    action_plan: str = Field(default="", max_length=4000)


class SubmitSelfAssessment(_Command):
    application_id: EntityId


class PanelSeat(_Message):
    person_id: Annotated[str, Field(min_length=1, max_length=128)]
    role: PanelRole


class AssignPanel(_Command):
    application_id: EntityId
    seats: tuple[PanelSeat, ...]


class DeclareConflict(_Command):
    """A conflict of interest with an organisation or a programme: the person sits on none
    of its panels. Auditors declare their own; the committee anyone's."""

    person_id: Annotated[str, Field(max_length=128)] = ""  # empty: the caller
    subject_id: EntityId
    reason: Reason


class ScoreApplication(_Command):
    application_id: EntityId
    scores: dict[str, int]


class ReconcileScores(_Command):
    application_id: EntityId
    scores: dict[str, int]


class DecideApplication(_Command):
    application_id: EntityId
    outcome: Outcome
    reasons: str = Field(default="", max_length=4000)
    improvement_plan: str = Field(default="", max_length=4000)
    conditions_due: AwareDatetime | None = None


class LodgeAppeal(_Command):
    application_id: EntityId
    grounds: str = Field(max_length=4000)


class ReviewAppeal(_Command):
    appeal_id: EntityId


class DecideAppeal(_Command):
    """By the appeal's id, or the application's (its open appeal)."""

    application_id: Annotated[str, Field(max_length=64)] = ""
    appeal_id: Annotated[str, Field(max_length=64)] = ""
    upheld: bool
    reasons: str = Field(max_length=4000)


class GetAppeal(_Command):
    appeal_id: EntityId


class ListAppeals(_Command):
    state: AppealState | None = None
    programme_id: Annotated[str, Field(max_length=64)] = ""
    page_size: PageSize = 50
    offset: int = Field(default=0, ge=0)


class GetApplication(_Command):
    application_id: EntityId


# -- labels ------------------------------------------------------------------------------
class SuspendLabel(_Command):
    code: LabelCode
    reason: Reason


class ReinstateLabel(_Command):
    code: LabelCode
    reason: Reason


class RevokeLabel(_Command):
    code: LabelCode
    reason: Reason


class VerifyLabel(_Message):
    code: LabelCode


class ListLabels(_Message):
    """The public register: current (valid) labels unless ``standing`` says otherwise."""

    step: Step | None = None
    country: str = Field(default="", max_length=2)
    query: str = Field(default="", max_length=200)
    standing: Standing = Standing.VALID
    # The committee's follow-up: labels whose conditions are not met yet (and due before).
    open_conditions: bool = False
    conditions_due_before: AwareDatetime | None = None
    page_size: PageSize = 50
    offset: int = Field(default=0, ge=0)


class ListLabelHistory(_Message):
    programme_id: EntityId


class RecordSurveillance(_Command):
    code: LabelCode
    outcome: SurveillanceOutcome
    findings: str = Field(default="", max_length=4000)
    conditions_due: AwareDatetime | None = None


class MeetConditions(_Command):
    code: LabelCode
    note: str = Field(default="", max_length=2000)


class FollowUpLabels(_Message):
    """The worker's timer: expiry, renewal and surveillance reminders, conditions."""

    now: datetime | None = None
