"""Calls for contributions: members propose sessions, editors review them.

proposed ⇄ changes requested (revised → proposed again) → accepted (a session of the
timetable) or rejected.
"""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, RuleViolation


class ContributionState(StrEnum):
    PROPOSED = "proposed"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ContributionProposed(DomainEvent):
    event_id: str
    person_id: str
    title: str
    abstract: str


class ContributionRevised(DomainEvent):
    title: str
    abstract: str


class ChangesRequested(DomainEvent):
    note: str


class ContributionAccepted(DomainEvent):
    session_id: str
    note: str


class ContributionRejected(DomainEvent):
    note: str


class ContributionErased(DomainEvent):
    """The proposer was forgotten."""


class ContributionNotFound(NotFound):
    """No contribution has this id, or it is not the caller's."""


class NotAwaitingReview(RuleViolation):
    """Only a proposed (or revised) contribution can be reviewed."""


class NoChangesRequested(RuleViolation):
    """Only a contribution an editor asked to change can be revised."""


class Contribution(Aggregate):
    """A proposed session. Invariant: reviewed only while proposed; revised only when
    changes were asked for; accepted once, into one session."""

    stream_prefix = "contribution"

    event_id: str
    person_id: str
    title: str
    abstract: str
    state: ContributionState
    session_id: str

    @classmethod
    def propose(cls, id: str, event_id: str, person_id: str, title: str, abstract: str) -> Self:
        contribution = cls(id)
        contribution.record(
            ContributionProposed(
                event_id=event_id, person_id=person_id, title=title, abstract=abstract
            )
        )
        return contribution

    def accept(self, session_id: str, note: str) -> None:
        self._require_proposed()
        self.record(ContributionAccepted(session_id=session_id, note=note))

    def reject(self, note: str) -> None:
        self._require_proposed()
        self.record(ContributionRejected(note=note))

    def request_changes(self, note: str) -> None:
        self._require_proposed()
        self.record(ChangesRequested(note=note))

    def revise(self, title: str, abstract: str) -> None:
        if self.state is not ContributionState.CHANGES_REQUESTED:
            raise NoChangesRequested(
                f"contribution {self.id!r} is {self.state}, not awaiting changes"
            )
        self.record(ContributionRevised(title=title, abstract=abstract))

    def erase(self) -> None:
        if self.person_id:
            self.record(ContributionErased())

    def _require_proposed(self) -> None:
        if self.state is not ContributionState.PROPOSED:
            raise NotAwaitingReview(
                f"contribution {self.id!r} is {self.state}, not awaiting review"
            )

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: ContributionProposed) -> None:
        self.event_id, self.person_id = event.event_id, event.person_id
        self.title, self.abstract = event.title, event.abstract
        self.state, self.session_id = ContributionState.PROPOSED, ""

    @apply.register
    def _(self, event: ContributionRevised) -> None:
        self.title, self.abstract = event.title, event.abstract
        self.state = ContributionState.PROPOSED

    @apply.register
    def _(self, event: ChangesRequested) -> None:
        self.state = ContributionState.CHANGES_REQUESTED

    @apply.register
    def _(self, event: ContributionAccepted) -> None:
        self.state, self.session_id = ContributionState.ACCEPTED, event.session_id

    @apply.register
    def _(self, event: ContributionRejected) -> None:
        self.state = ContributionState.REJECTED

    @apply.register
    def _(self, event: ContributionErased) -> None:
        self.person_id = ""
