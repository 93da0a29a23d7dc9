"""An application for an audited step: self-assessment, audit, committee decision, appeal.

drafting → submitted → under audit (panel assigned; auditors score independently) →
reconciled (the panel agrees on one set of scores) → decided (by the committee, never by an
auditor) → appealed → appeal decided (by people not involved before).

An appeal has its own id (``appeals/{id}``) and states: lodged → under review (by someone
not involved before) → upheld (the decision is quashed and taken again by others) or
dismissed. An application may be appealed again after a new decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from pydantic import BaseModel, ConfigDict

from ecbm_quality.domain import scoring
from ecbm_quality.domain.criteria import MAX_SCORE, CriteriaContent
from ecbm_quality.domain.panel import Audited, Candidate, PanelRole, check_panel
from ecbm_quality.domain.steps import Step, require_next_step
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import FieldViolation, InvalidArgument, PermissionDenied, RuleViolation


class ApplicationStatus(StrEnum):
    DRAFTING = "drafting"
    SUBMITTED = "submitted"
    UNDER_AUDIT = "under_audit"
    RECONCILED = "reconciled"
    DECIDED = "decided"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"


class Outcome(StrEnum):
    AWARD = "award"
    AWARD_WITH_CONDITIONS = "award_with_conditions"
    REFUSE = "refuse"


class SelfAssessment(BaseModel):
    """The programme's own view of one criterion."""

    model_config = ConfigDict(frozen=True)
    score: int
    evidence: tuple[str, ...] = ()  # references: documents, links, file names
    action_plan: str = ""  # what it will do about what is missing


class ApplicationOpened(DomainEvent):
    programme_id: str
    organisation_id: str
    step: Step
    criteria_set: str
    by: str
    at: datetime


class CriterionSelfAssessed(DomainEvent):
    code: str
    assessment: SelfAssessment


class SelfAssessmentSubmitted(DomainEvent):
    by: str
    at: datetime


class PanelAssigned(DomainEvent):
    auditors: dict[str, PanelRole]
    by: str
    at: datetime


class AuditorScored(DomainEvent):
    auditor: str
    scores: dict[str, int]
    at: datetime


class ScoresReconciled(DomainEvent):
    scores: dict[str, int]
    by: str
    at: datetime


class Decided(DomainEvent):
    outcome: Outcome
    reasons: str
    improvement_plan: str = ""
    conditions_due: datetime | None = None
    by: str
    at: datetime


class AppealState(StrEnum):
    LODGED = "lodged"
    UNDER_REVIEW = "under_review"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class AppealLodged(DomainEvent):
    grounds: str
    by: str
    at: datetime
    appeal_id: str = ""  # empty in events recorded before appeals had ids: the application's


class AppealReviewStarted(DomainEvent):
    appeal_id: str
    by: str
    at: datetime


class AppealDecided(DomainEvent):
    upheld: bool  # True: the decision is quashed and taken again by others
    reasons: str
    by: str
    at: datetime


@dataclass
class _State:
    programme_id: str = ""
    organisation_id: str = ""
    step: Step = Step.ACCREDITED
    criteria_set: str = ""
    status: ApplicationStatus = ApplicationStatus.DRAFTING
    self_assessment: dict[str, SelfAssessment] = field(default_factory=dict)
    panel: dict[str, PanelRole] = field(default_factory=dict)
    auditor_scores: dict[str, dict[str, int]] = field(default_factory=dict)
    reconciled: dict[str, int] = field(default_factory=dict)
    outcome: Outcome | None = None
    deciders: set[str] = field(default_factory=set)
    appeal_id: str = ""  # the open appeal
    appeal_state: AppealState | None = None
    reviewer: str = ""


class Application(Aggregate):
    stream_prefix = "application"

    @classmethod
    def open(
        cls,
        id: str,
        programme_id: str,
        organisation_id: str,
        held: Step | None,
        step: Step,
        criteria_set: str,
        by: str,
        at: datetime,
    ) -> Self:
        """Start applying for ``step``; the programme must hold the step just below."""
        require_next_step(held, step)
        application = cls(id)
        application.record(
            ApplicationOpened(
                programme_id=programme_id,
                organisation_id=organisation_id,
                step=step,
                criteria_set=criteria_set,
                by=by,
                at=at,
            )
        )
        return application

    @property
    def state(self) -> _State:
        if not hasattr(self, "_state"):
            self._state = _State()
        return self._state

    # -- the programme -----------------------------------------------------------------
    def assess(self, content: CriteriaContent, code: str, assessment: SelfAssessment) -> None:
        self._require(ApplicationStatus.DRAFTING, "self-assessed")
        if content.criterion(code) is None:
            raise InvalidArgument(FieldViolation(f"criteria[{code}]", "not in the criteria set"))
        if not 0 <= assessment.score <= MAX_SCORE:
            raise InvalidArgument(
                FieldViolation(f"criteria[{code}].score", f"a score from 0 to {MAX_SCORE}")
            )
        self.record(CriterionSelfAssessed(code=code, assessment=assessment))

    def submit(self, content: CriteriaContent, by: str, at: datetime) -> None:
        """Every criterion needs a self-assessment; required ones need evidence too."""
        self._require(ApplicationStatus.DRAFTING, "submitted")
        given = self.state.self_assessment
        problems = [
            FieldViolation(f"criteria[{c.code}]", "needs a self-assessment")
            for s in content.standards
            for c in s.criteria
            if c.code not in given
        ] + [
            FieldViolation(f"criteria[{c.code}].evidence", f"required for {self.state.step}")
            for s in content.standards
            for c in s.criteria
            if c.required_at(self.state.step) and c.code in given and not given[c.code].evidence
        ]
        if problems:
            raise InvalidArgument(problems)
        self.record(SelfAssessmentSubmitted(by=by, at=at))

    # -- the audit ---------------------------------------------------------------------
    def assign_panel(self, candidates: Sequence[Candidate], by: str, at: datetime) -> None:
        self._require(ApplicationStatus.SUBMITTED, "given a panel")
        audited = Audited(self.state.programme_id, self.state.organisation_id, frozenset({by}))
        check_panel(candidates, audited)
        auditors = {c.person_id: c.role for c in candidates}
        self.record(PanelAssigned(auditors=auditors, by=by, at=at))

    def score(
        self, content: CriteriaContent, auditor: str, scores: Mapping[str, int], at: datetime
    ) -> None:
        """An auditor's own scores, before the panel meets; each auditor scores once."""
        self._require(ApplicationStatus.UNDER_AUDIT, "scored")
        if auditor not in self.state.panel:
            raise PermissionDenied("only the application's auditors score it")
        if auditor in self.state.auditor_scores:
            raise RuleViolation("this auditor has scored already; differences are reconciled")
        self._complete(content, scores)
        self.record(AuditorScored(auditor=auditor, scores=dict(scores), at=at))

    def reconcile(
        self, content: CriteriaContent, scores: Mapping[str, int], by: str, at: datetime
    ) -> None:
        """The panel's agreed scores, once every auditor has scored independently."""
        self._require(ApplicationStatus.UNDER_AUDIT, "reconciled")
        if by not in self.state.panel:
            raise PermissionDenied("only the application's auditors reconcile it")
        waiting = sorted(set(self.state.panel) - set(self.state.auditor_scores))
        if waiting:
            raise RuleViolation(f"auditors have not scored yet: {', '.join(waiting)}")
        self._complete(content, scores)
        self.record(ScoresReconciled(scores=dict(scores), by=by, at=at))

    # -- the committee -----------------------------------------------------------------
    def decide(
        self,
        content: CriteriaContent,
        outcome: Outcome,
        reasons: str,
        by: str,
        at: datetime,
        improvement_plan: str = "",
        conditions_due: datetime | None = None,
    ) -> None:
        self._require(ApplicationStatus.RECONCILED, "decided")
        if by in self.state.panel:
            raise PermissionDenied("an auditor of the application does not decide it")
        if by in self.state.deciders:
            raise PermissionDenied("a decision quashed on appeal is taken by others")
        self._check_outcome(content, outcome, reasons, at, improvement_plan, conditions_due)
        self.record(
            Decided(
                outcome=outcome,
                reasons=reasons,
                improvement_plan=improvement_plan,
                conditions_due=conditions_due,
                by=by,
                at=at,
            )
        )

    def lodge_appeal(self, appeal_id: str, grounds: str, by: str, at: datetime) -> None:
        self._require(ApplicationStatus.DECIDED, "appealed")
        if not grounds.strip():
            raise InvalidArgument(FieldViolation("grounds", "say why the decision is wrong"))
        self.record(AppealLodged(appeal_id=appeal_id, grounds=grounds, by=by, at=at))

    def review_appeal(self, by: str, at: datetime) -> None:
        """Someone not involved before takes the lodged appeal up (once)."""
        self._require(ApplicationStatus.APPEALED, "reviewed on appeal")
        if self.state.appeal_state is not AppealState.LODGED:
            raise RuleViolation(f"appeal {self.state.appeal_id} is under review already")
        if by in self.involved:
            raise PermissionDenied("an appeal is decided by people not involved before")
        self.record(AppealReviewStarted(appeal_id=self.state.appeal_id, by=by, at=at))

    def decide_appeal(self, upheld: bool, reasons: str, by: str, at: datetime) -> None:
        """Decided by someone involved neither in the audit nor in the decision. An upheld
        appeal quashes the decision: the committee decides again, without earlier deciders.
        A lodged appeal goes under review by the one deciding it first."""
        self._require(ApplicationStatus.APPEALED, "decided on appeal")
        if by in self.involved:
            raise PermissionDenied("an appeal is decided by people not involved before")
        if not reasons.strip():
            raise InvalidArgument(FieldViolation("reasons", "an appeal decision gives reasons"))
        if self.state.appeal_state is AppealState.LODGED:
            self.review_appeal(by, at)
        self.record(AppealDecided(upheld=upheld, reasons=reasons, by=by, at=at))

    # -- reading -----------------------------------------------------------------------
    @property
    def involved(self) -> set[str]:
        """Everyone who took part: panel and deciders (excluded from the appeal)."""
        return set(self.state.panel) | self.state.deciders

    @property
    def status(self) -> ApplicationStatus:
        return self.state.status

    def _require(self, status: ApplicationStatus, what: str) -> None:
        if self.state.status is not status:
            raise RuleViolation(
                f"application {self.id} is {self.state.status.value}; only a "
                f"{status.value} application is {what}"
            )

    def _complete(self, content: CriteriaContent, scores: Mapping[str, int]) -> None:
        scoring.check_scores(content, scores)
        missing = [code for code in content.criteria_by_code() if code not in scores]
        if missing:
            raise InvalidArgument(
                [FieldViolation(f"scores[{code}]", "needs a score") for code in missing]
            )

    def _check_outcome(
        self,
        content: CriteriaContent,
        outcome: Outcome,
        reasons: str,
        at: datetime,
        improvement_plan: str,
        conditions_due: datetime | None,
    ) -> None:
        """Award only on scores that reach the step; conditions need a plan and deadline."""
        step = self.state.step
        if outcome is Outcome.REFUSE:
            if not reasons.strip():
                raise InvalidArgument(FieldViolation("reasons", "a refusal gives its reasons"))
            return
        result = scoring.result(content, self.state.reconciled, step)
        if outcome is Outcome.AWARD and (shortfalls := result.shortfalls(content, step)):
            raise RuleViolation(
                f"the reconciled scores do not reach {step.value}: {'; '.join(shortfalls)}; "
                "award with conditions or refuse"
            )
        if outcome is Outcome.AWARD_WITH_CONDITIONS:
            if not improvement_plan.strip():
                raise InvalidArgument(
                    FieldViolation("improvement_plan", "conditions need an improvement plan")
                )
            if conditions_due is None or conditions_due <= at:
                raise InvalidArgument(
                    FieldViolation("conditions_due", "conditions need a deadline in the future")
                )

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        raise NotImplementedError(type(event).__name__)

    @apply.register
    def _(self, event: ApplicationOpened) -> None:
        s = self.state
        s.programme_id, s.organisation_id = event.programme_id, event.organisation_id
        s.step, s.criteria_set = event.step, event.criteria_set

    @apply.register
    def _(self, event: CriterionSelfAssessed) -> None:
        self.state.self_assessment[event.code] = event.assessment

    @apply.register
    def _(self, event: SelfAssessmentSubmitted) -> None:
        self.state.status = ApplicationStatus.SUBMITTED

    @apply.register
    def _(self, event: PanelAssigned) -> None:
        self.state.panel = dict(event.auditors)
        self.state.status = ApplicationStatus.UNDER_AUDIT

    @apply.register
    def _(self, event: AuditorScored) -> None:
        self.state.auditor_scores[event.auditor] = dict(event.scores)

    @apply.register
    def _(self, event: ScoresReconciled) -> None:
        self.state.reconciled = dict(event.scores)
        self.state.status = ApplicationStatus.RECONCILED

    @apply.register
    def _(self, event: Decided) -> None:
        self.state.outcome = event.outcome
        self.state.deciders.add(event.by)
        self.state.status = ApplicationStatus.DECIDED

    @apply.register
    def _(self, event: AppealLodged) -> None:
        self.state.status = ApplicationStatus.APPEALED
        self.state.appeal_id = event.appeal_id or self.id
        self.state.appeal_state, self.state.reviewer = AppealState.LODGED, ""

    @apply.register
    def _(self, event: AppealReviewStarted) -> None:
        self.state.appeal_state, self.state.reviewer = AppealState.UNDER_REVIEW, event.by

    @apply.register
    def _(self, event: AppealDecided) -> None:
        self.state.deciders.add(event.by)
        self.state.appeal_state = AppealState.UPHELD if event.upheld else AppealState.DISMISSED
        if event.upheld:
            self.state.outcome = None
            self.state.status = ApplicationStatus.RECONCILED
        else:
            self.state.status = ApplicationStatus.APPEAL_DECIDED
