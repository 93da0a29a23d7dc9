"""Policy contacts of the Brussels network: who they are and where they stand on mentoring."""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import RuleViolation


class ContactKind(StrEnum):
    MEP = "mep"
    COMMISSION_STAFF = "commission_staff"
    NATIONAL_LIAISON_OFFICE = "national_liaison_office"
    SUPPORTING_ORGANISATION = "supporting_organisation"
    LOBBYIST = "lobbyist"


class Stance(StrEnum):
    """Stance toward mentoring, declared most supportive first (that is the sort order)."""

    CHAMPION = "champion"
    OPEN = "open"
    UNKNOWN = "unknown"
    SCEPTICAL = "sceptical"

    @property
    def rank(self) -> int:
        return list(Stance).index(self)


class ContactDetails(BaseModel):
    """The descriptive part of a contact, replaced as a whole on every edit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    display_name: str
    kind: ContactKind
    country: str
    institution: str
    committee: str = ""
    directorate_general: str = ""
    unit: str = ""
    topics: tuple[str, ...] = ()
    email: str = ""


class PolicyContactAdded(DomainEvent):
    details: ContactDetails
    stance: Stance
    added_by: str


class PolicyContactDetailsChanged(DomainEvent):
    details: ContactDetails
    changed_by: str


class StanceChanged(DomainEvent):
    stance: Stance
    previous: Stance
    reason: str
    changed_by: str


class PolicyContactWithdrawn(DomainEvent):
    reason: str
    withdrawn_by: str


class ContactWithdrawn(RuleViolation):
    def __init__(self, contact_id: str) -> None:
        super().__init__(f"policyContacts/{contact_id} is withdrawn and can no longer change")


class StanceUnchanged(RuleViolation):
    def __init__(self, stance: Stance) -> None:
        super().__init__(f"the stance is already {stance.value}; nothing to record")


class DirectorateGeneralRequired(RuleViolation):
    def __init__(self) -> None:
        super().__init__("Commission staff need a directorate_general (e.g. EMPL)")


class PolicyContact(Aggregate):
    """A person or body in Brussels the network talks to about mentoring.

    Invariants:
    - Commission staff always name their directorate-general (the unit is optional).
    - Every stance change records who made it and why, and differs from the current stance,
      so the stance history holds only real changes.
    - A withdrawn contact changes no more (history stays, nothing is added).
    """

    stream_prefix = "policycontact"

    details: ContactDetails
    stance: Stance
    withdrawn: bool

    @classmethod
    def add(cls, id: str, details: ContactDetails, stance: Stance, added_by: str) -> Self:
        _check_details(details)
        contact = cls(id)
        contact.record(PolicyContactAdded(details=details, stance=stance, added_by=added_by))
        return contact

    def revise(self, details: ContactDetails, changed_by: str) -> None:
        self._check_active()
        _check_details(details)
        if details != self.details:
            self.record(PolicyContactDetailsChanged(details=details, changed_by=changed_by))

    def change_stance(self, stance: Stance, reason: str, changed_by: str) -> None:
        self._check_active()
        if stance == self.stance:
            raise StanceUnchanged(stance)
        self.record(
            StanceChanged(stance=stance, previous=self.stance, reason=reason, changed_by=changed_by)
        )

    def withdraw(self, reason: str, withdrawn_by: str) -> None:
        self._check_active()
        self.record(PolicyContactWithdrawn(reason=reason, withdrawn_by=withdrawn_by))

    def _check_active(self) -> None:
        if self.withdrawn:
            raise ContactWithdrawn(self.id)

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: PolicyContactAdded) -> None:
        self.details, self.stance, self.withdrawn = event.details, event.stance, False

    @apply.register
    def _(self, event: PolicyContactDetailsChanged) -> None:
        self.details = event.details

    @apply.register
    def _(self, event: StanceChanged) -> None:
        self.stance = event.stance

    @apply.register
    def _(self, event: PolicyContactWithdrawn) -> None:
        self.withdrawn = True


def _check_details(details: ContactDetails) -> None:
    if details.kind is ContactKind.COMMISSION_STAFF and not details.directorate_general:
        raise DirectorateGeneralRequired()
