"""Quality labels: the step a programme holds after an award, for a limited time.

A label names its step and the criteria-set version it was awarded against, is valid three
years by default, gets a renewal reminder before it expires and a mid-term surveillance
check, and may be suspended (and reinstated) or revoked, always with a reason. Its public
code lets anyone verify it; its history is its stream.

Follow-up after the award, each on the worker's timer and recorded once:

- **Surveillance**: when the mid-term date comes, ``SurveillanceReminded``; the committee
  then records the outcome: passed, findings (conditions: an improvement plan with a
  deadline) or suspension.
- **Conditions** (an award with conditions, or surveillance findings): a reminder
  ``CONDITIONS_NOTICE`` before the deadline while they are not marked met; at the deadline,
  unmet conditions suspend the label (the documented rule: no extension by silence).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from ecbm_quality.domain.steps import Step
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import FieldViolation, InvalidArgument, RuleViolation

VALIDITY = timedelta(days=3 * 365)
RENEWAL_NOTICE = timedelta(days=90)
CONDITIONS_NOTICE = timedelta(days=30)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand


def new_code() -> str:
    """A label code such as ``Q-7KD9-M2XF``: short, unguessable enough for a public check."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"Q-{chars[:4]}-{chars[4:]}"


class Standing(StrEnum):
    """What a verification answers."""

    VALID = "valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # a newer label replaced it (renewal, or another step)


class SurveillanceOutcome(StrEnum):
    PASSED = "passed"
    FINDINGS = "findings"  # conditions: an improvement plan with a deadline
    SUSPENDED = "suspended"


class LabelAwarded(DomainEvent):
    programme_id: str
    organisation_id: str
    step: Step
    criteria_set: str
    application_id: str
    valid_from: datetime
    valid_until: datetime
    # An award with conditions: what must improve, by when.
    improvement_plan: str = ""
    conditions_due: datetime | None = None


class SurveillanceReminded(DomainEvent):
    at: datetime


class SurveillanceRecorded(DomainEvent):
    outcome: SurveillanceOutcome
    findings: str
    conditions_due: datetime | None = None
    by: str
    at: datetime


class ConditionsReminded(DomainEvent):
    at: datetime


class ConditionsMet(DomainEvent):
    note: str
    by: str
    at: datetime


class RenewalReminded(DomainEvent):
    at: datetime


class LabelSuspended(DomainEvent):
    reason: str
    by: str
    at: datetime


class LabelReinstated(DomainEvent):
    reason: str
    by: str
    at: datetime


class LabelRevoked(DomainEvent):
    reason: str
    by: str
    at: datetime


class LabelExpired(DomainEvent):
    at: datetime


class LabelSuperseded(DomainEvent):
    by_label: str
    at: datetime


@dataclass
class _State:
    programme_id: str = ""
    organisation_id: str = ""
    step: Step = Step.ACCREDITED
    criteria_set: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    standing: Standing = Standing.VALID
    reminded: bool = False
    reason: str = ""
    surveillance_reminded: bool = False
    surveillance_outcome: SurveillanceOutcome | None = None
    conditions: str = ""  # the improvement plan while conditions are open
    conditions_due: datetime | None = None
    conditions_reminded: bool = False


class Label(Aggregate):
    """Its id is its public code."""

    stream_prefix = "label"

    @classmethod
    def award(
        cls,
        code: str,
        programme_id: str,
        organisation_id: str,
        step: Step,
        criteria_set: str,
        application_id: str,
        at: datetime,
        validity: timedelta = VALIDITY,
        improvement_plan: str = "",
        conditions_due: datetime | None = None,
    ) -> Self:
        if not step.audited:
            raise RuleViolation("affiliation is not a label: it follows the membership")
        label = cls(code)
        label.record(
            LabelAwarded(
                programme_id=programme_id,
                organisation_id=organisation_id,
                step=step,
                criteria_set=criteria_set,
                application_id=application_id,
                valid_from=at,
                valid_until=at + validity,
                improvement_plan=improvement_plan,
                conditions_due=conditions_due,
            )
        )
        return label

    @property
    def state(self) -> _State:
        if not hasattr(self, "_state"):
            self._state = _State()
        return self._state

    def standing_at(self, now: datetime) -> Standing:
        """Expiry shows at once, before the worker records it."""
        s = self.state
        if s.standing is Standing.VALID and s.valid_until is not None and now >= s.valid_until:
            return Standing.EXPIRED
        return s.standing

    def surveillance_due(self) -> datetime:
        """The mid-term check: halfway through the validity."""
        assert self.state.valid_from and self.state.valid_until
        return self.state.valid_from + (self.state.valid_until - self.state.valid_from) / 2

    def remind_renewal(self, now: datetime, notice: timedelta = RENEWAL_NOTICE) -> bool:
        """Record the renewal reminder once, when the label is valid and expires soon."""
        s = self.state
        if s.reminded or self.standing_at(now) is not Standing.VALID:
            return False
        assert s.valid_until is not None
        if now < s.valid_until - notice:
            return False
        self.record(RenewalReminded(at=now))
        return True

    def remind_surveillance(self, now: datetime) -> bool:
        """Record once that the mid-term check fell due, while the label is valid."""
        s = self.state
        if s.surveillance_reminded or s.surveillance_outcome is not None:
            return False
        if self.standing_at(now) is not Standing.VALID or now < self.surveillance_due():
            return False
        self.record(SurveillanceReminded(at=now))
        return True

    def record_surveillance(
        self,
        outcome: SurveillanceOutcome,
        findings: str,
        by: str,
        at: datetime,
        conditions_due: datetime | None = None,
    ) -> None:
        """The committee's surveillance outcome: findings open conditions with a deadline
        (followed like an award's); a suspension suspends the label with the findings."""
        self._require(Standing.VALID, "checked", at)
        if outcome is not SurveillanceOutcome.PASSED and not findings.strip():
            raise InvalidArgument(FieldViolation("findings", "say what was found"))
        if outcome is SurveillanceOutcome.FINDINGS and (
            conditions_due is None or conditions_due <= at
        ):
            raise InvalidArgument(
                FieldViolation("conditions_due", "findings need a deadline in the future")
            )
        if outcome is not SurveillanceOutcome.FINDINGS:
            conditions_due = None
        self.record(
            SurveillanceRecorded(
                outcome=outcome, findings=findings, conditions_due=conditions_due, by=by, at=at
            )
        )
        if outcome is SurveillanceOutcome.SUSPENDED:
            self.record(LabelSuspended(reason=f"surveillance: {findings}", by=by, at=at))

    @property
    def conditions_open(self) -> bool:
        return self.state.conditions_due is not None

    def remind_conditions(self, now: datetime, notice: timedelta = CONDITIONS_NOTICE) -> bool:
        """Record once that open conditions are due within ``notice``."""
        s = self.state
        if s.conditions_due is None or s.conditions_reminded:
            return False
        if self.standing_at(now) is not Standing.VALID or now < s.conditions_due - notice:
            return False
        self.record(ConditionsReminded(at=now))
        return True

    def meet_conditions(self, note: str, by: str, at: datetime) -> None:
        if self.state.conditions_due is None:
            raise RuleViolation(f"label {self.id} has no open conditions")
        if self.standing_at(at) not in (Standing.VALID, Standing.SUSPENDED):
            raise RuleViolation(f"label {self.id} is {self.standing_at(at).value}")
        self.record(ConditionsMet(note=note, by=by, at=at))

    def enforce_conditions(self, now: datetime) -> bool:
        """Past the deadline with conditions unmet, a valid label is suspended."""
        due = self.state.conditions_due
        if due is None or now < due or self.standing_at(now) is not Standing.VALID:
            return False
        reason = f"the conditions of the award were not met by {due:%Y-%m-%d}"
        self.record(LabelSuspended(reason=reason, by="quality", at=now))
        return True

    def expire(self, now: datetime) -> bool:
        if self.state.standing is Standing.VALID and self.standing_at(now) is Standing.EXPIRED:
            self.record(LabelExpired(at=now))
            return True
        return False

    def suspend(self, reason: str, by: str, at: datetime) -> None:
        self._require_reason(reason)
        self._require(Standing.VALID, "suspended", at)
        self.record(LabelSuspended(reason=reason, by=by, at=at))

    def reinstate(self, reason: str, by: str, at: datetime) -> None:
        self._require_reason(reason)
        self._require(Standing.SUSPENDED, "reinstated", at)
        self.record(LabelReinstated(reason=reason, by=by, at=at))

    def revoke(self, reason: str, by: str, at: datetime) -> None:
        self._require_reason(reason)
        if self.standing_at(at) not in (Standing.VALID, Standing.SUSPENDED):
            raise RuleViolation(f"label {self.id} is {self.standing_at(at).value}; not revoked")
        self.record(LabelRevoked(reason=reason, by=by, at=at))

    def supersede(self, by_label: str, at: datetime) -> None:
        if self.state.standing in (Standing.VALID, Standing.SUSPENDED):
            self.record(LabelSuperseded(by_label=by_label, at=at))

    def _require(self, standing: Standing, what: str, at: datetime) -> None:
        now = self.standing_at(at)
        if now is not standing:
            raise RuleViolation(
                f"label {self.id} is {now.value}; only a {standing.value} label is {what}"
            )

    @staticmethod
    def _require_reason(reason: str) -> None:
        if not reason.strip():
            raise InvalidArgument(FieldViolation("reason", "say why"))

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        raise NotImplementedError(type(event).__name__)

    @apply.register
    def _(self, event: LabelAwarded) -> None:
        s = self.state
        s.programme_id, s.organisation_id, s.step = (
            event.programme_id,
            event.organisation_id,
            event.step,
        )
        s.criteria_set, s.valid_from, s.valid_until = (
            event.criteria_set,
            event.valid_from,
            event.valid_until,
        )
        s.conditions, s.conditions_due = event.improvement_plan, event.conditions_due

    @apply.register
    def _(self, event: SurveillanceReminded) -> None:
        self.state.surveillance_reminded = True

    @apply.register
    def _(self, event: SurveillanceRecorded) -> None:
        s = self.state
        s.surveillance_outcome = event.outcome
        if event.conditions_due is not None:
            s.conditions, s.conditions_due = event.findings, event.conditions_due
            s.conditions_reminded = False

    @apply.register
    def _(self, event: ConditionsReminded) -> None:
        self.state.conditions_reminded = True

    @apply.register
    def _(self, event: ConditionsMet) -> None:
        s = self.state
        s.conditions, s.conditions_due, s.conditions_reminded = "", None, False

    @apply.register
    def _(self, event: RenewalReminded) -> None:
        self.state.reminded = True

    @apply.register
    def _(self, event: LabelSuspended) -> None:
        self.state.standing, self.state.reason = Standing.SUSPENDED, event.reason

    @apply.register
    def _(self, event: LabelReinstated) -> None:
        self.state.standing, self.state.reason = Standing.VALID, ""

    @apply.register
    def _(self, event: LabelRevoked) -> None:
        self.state.standing, self.state.reason = Standing.REVOKED, event.reason

    @apply.register
    def _(self, event: LabelExpired) -> None:
        self.state.standing = Standing.EXPIRED

    @apply.register
    def _(self, event: LabelSuperseded) -> None:
        self.state.standing = Standing.SUPERSEDED
