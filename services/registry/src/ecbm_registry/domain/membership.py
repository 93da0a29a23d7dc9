"""Membership: a person's affiliation with the Center, step one of the quality model.

A person applies; an editor approves or declines; an approved membership lapses (not
renewed) or ends (resigned, or the person was forgotten). After a decline, lapse or end
the person may apply again on the same stream.
"""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import RuleViolation


class MembershipStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    DECLINED = "declined"
    LAPSED = "lapsed"
    ENDED = "ended"


CLOSED = frozenset({MembershipStatus.DECLINED, MembershipStatus.LAPSED, MembershipStatus.ENDED})


class MembershipApplied(DomainEvent):
    person_id: str
    motivation: str


class MembershipApproved(DomainEvent):
    person_id: str
    decided_by: str


class MembershipDeclined(DomainEvent):
    person_id: str
    decided_by: str
    reason: str


class MembershipLapsed(DomainEvent):
    person_id: str
    reason: str


class MembershipEnded(DomainEvent):
    person_id: str
    reason: str


class Membership(Aggregate):
    """One person's membership; its id is the person's id.

    Invariants: only an open application is approved or declined (so never twice); only an
    approved membership lapses or ends; a person applies only when not applied or approved.
    """

    stream_prefix = "membership"

    status: MembershipStatus
    motivation: str
    reason: str
    decided_by: str

    @classmethod
    def apply_for(cls, person_id: str, motivation: str) -> Self:
        membership = cls(person_id)
        membership.record(MembershipApplied(person_id=person_id, motivation=motivation))
        return membership

    def reapply(self, motivation: str) -> None:
        if self.status not in CLOSED:
            raise RuleViolation(f"membership is {self.status.value}; apply again once it is closed")
        self.record(MembershipApplied(person_id=self.id, motivation=motivation))

    def approve(self, editor: str) -> None:
        self._require(MembershipStatus.APPLIED, "approve")
        self.record(MembershipApproved(person_id=self.id, decided_by=editor))

    def decline(self, editor: str, reason: str) -> None:
        self._require(MembershipStatus.APPLIED, "decline")
        self.record(MembershipDeclined(person_id=self.id, decided_by=editor, reason=reason))

    def lapse(self, reason: str) -> None:
        self._require(MembershipStatus.APPROVED, "lapse")
        self.record(MembershipLapsed(person_id=self.id, reason=reason))

    def end(self, reason: str) -> None:
        self._require(MembershipStatus.APPROVED, "end")
        self.record(MembershipEnded(person_id=self.id, reason=reason))

    def _require(self, status: MembershipStatus, action: str) -> None:
        if self.status is not status:
            raise RuleViolation(
                f"cannot {action} a membership that is {self.status.value}; "
                f"it must be {status.value}"
            )

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: MembershipApplied) -> None:
        self.status, self.motivation = MembershipStatus.APPLIED, event.motivation
        self.reason = self.decided_by = ""

    @apply.register
    def _(self, event: MembershipApproved) -> None:
        self.status, self.decided_by = MembershipStatus.APPROVED, event.decided_by

    @apply.register
    def _(self, event: MembershipDeclined) -> None:
        self.status, self.decided_by = MembershipStatus.DECLINED, event.decided_by
        self.reason = event.reason

    @apply.register
    def _(self, event: MembershipLapsed) -> None:
        self.status, self.reason = MembershipStatus.LAPSED, event.reason

    @apply.register
    def _(self, event: MembershipEnded) -> None:
        self.status, self.reason = MembershipStatus.ENDED, event.reason
