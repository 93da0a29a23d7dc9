"""Rounds and introductions.

A round is the whole-pool assignment of one request kind: proposed (optimal and greedy
totals side by side), reviewed, then published once; publishing proposes introductions.

An introduction: proposed → accepted by both sides (each side once; accepting again changes
nothing) or declined by either → met (or a no-show) → feedback from each side.
"""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, RuleViolation

Party = Literal["requester", "candidate"]
BOTH = frozenset({"requester", "candidate"})


class Pair(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str
    requester_id: str
    candidate_id: str
    score: float
    explanation: str


class RoundProposed(DomainEvent):
    kind: str
    pairs: tuple[Pair, ...]
    assign_total: float
    greedy_total: float


class RoundPublished(DomainEvent):
    pass


class RoundNotFound(NotFound):
    """No round has this id."""


class AlreadyPublished(RuleViolation):
    """A round is published once."""


class Round(Aggregate):
    stream_prefix = "round"

    kind: str
    pairs: tuple[Pair, ...]
    published: bool

    @classmethod
    def propose(
        cls, id: str, kind: str, pairs: tuple[Pair, ...], assign_total: float, greedy_total: float
    ) -> Self:
        round_ = cls(id)
        round_.record(
            RoundProposed(
                kind=kind, pairs=pairs, assign_total=assign_total, greedy_total=greedy_total
            )
        )
        return round_

    def publish(self) -> None:
        if self.published:
            raise AlreadyPublished(f"round {self.id!r} is published already")
        self.record(RoundPublished())

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: RoundProposed) -> None:
        self.kind, self.pairs, self.published = event.kind, event.pairs, False

    @apply.register
    def _(self, event: RoundPublished) -> None:
        self.published = True


class IntroductionState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    MET = "met"
    MISSED = "missed"


class IntroductionOpened(DomainEvent):
    round_id: str
    pair: Pair
    request_title: str


class SideAccepted(DomainEvent):
    party: Party


class SideDeclined(DomainEvent):
    party: Party
    reason: str


class MeetingRecorded(DomainEvent):
    held: bool


class FeedbackGiven(DomainEvent):
    party: Party
    rating: int
    outcome: str
    text: str


class IntroductionErased(DomainEvent):
    """One side was forgotten."""

    party: Party


class IntroductionNotFound(NotFound):
    """No introduction has this id, or the caller is neither side."""


class NotProposed(RuleViolation):
    """Only a proposed introduction is accepted or declined."""


class NotAccepted(RuleViolation):
    """Only an introduction both sides accepted can be met."""


class NotMet(RuleViolation):
    """Feedback follows a meeting that took place."""


class Introduction(Aggregate):
    """Invariant: each side accepts at most once; a decline is final; feedback once a side."""

    stream_prefix = "introduction"

    round_id: str
    pair: Pair
    request_title: str
    state: IntroductionState
    accepted: frozenset[str]
    feedback: dict[str, int]

    @classmethod
    def open(cls, id: str, round_id: str, pair: Pair, request_title: str) -> Self:
        introduction = cls(id)
        introduction.record(
            IntroductionOpened(round_id=round_id, pair=pair, request_title=request_title)
        )
        return introduction

    def party_of(self, person_id: str) -> Party | None:
        if person_id and person_id == self.pair.requester_id:
            return "requester"
        if person_id and person_id == self.pair.candidate_id:
            return "candidate"
        return None

    def accept(self, party: Party) -> bool:
        """True when this made it accepted by both; accepting twice changes nothing."""
        if party in self.accepted and self.state in (
            IntroductionState.PROPOSED,
            IntroductionState.ACCEPTED,
        ):
            return False
        if self.state is not IntroductionState.PROPOSED:
            raise NotProposed(f"introduction {self.id!r} is {self.state}")
        self.record(SideAccepted(party=party))
        return self.accepted == BOTH

    def decline(self, party: Party, reason: str) -> None:
        if self.state is IntroductionState.DECLINED:
            return
        if self.state is not IntroductionState.PROPOSED:
            raise NotProposed(f"introduction {self.id!r} is {self.state}")
        self.record(SideDeclined(party=party, reason=reason))

    def record_meeting(self, held: bool) -> None:
        if self.state is not IntroductionState.ACCEPTED:
            raise NotAccepted(f"introduction {self.id!r} is {self.state}, not accepted")
        self.record(MeetingRecorded(held=held))

    def give_feedback(self, party: Party, rating: int, outcome: str, text: str) -> None:
        if self.state is not IntroductionState.MET:
            raise NotMet(f"introduction {self.id!r} is {self.state}, not met")
        if party not in self.feedback:
            self.record(FeedbackGiven(party=party, rating=rating, outcome=outcome, text=text))

    def erase(self, party: Party) -> None:
        self.record(IntroductionErased(party=party))

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: IntroductionOpened) -> None:
        self.round_id, self.pair, self.request_title = (
            event.round_id,
            event.pair,
            event.request_title,
        )
        self.state, self.accepted, self.feedback = IntroductionState.PROPOSED, frozenset(), {}

    @apply.register
    def _(self, event: SideAccepted) -> None:
        self.accepted = self.accepted | {event.party}
        if self.accepted == BOTH:
            self.state = IntroductionState.ACCEPTED

    @apply.register
    def _(self, event: SideDeclined) -> None:
        self.state = IntroductionState.DECLINED

    @apply.register
    def _(self, event: MeetingRecorded) -> None:
        self.state = IntroductionState.MET if event.held else IntroductionState.MISSED

    @apply.register
    def _(self, event: FeedbackGiven) -> None:
        self.feedback = {**self.feedback, event.party: event.rating}

    @apply.register
    def _(self, event: IntroductionErased) -> None:
        field = "requester_id" if event.party == "requester" else "candidate_id"
        self.pair = self.pair.model_copy(update={field: "", "explanation": ""})
