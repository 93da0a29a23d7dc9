"""Requests and offers: what someone seeks or offers, and its lifecycle.

open ⇄ paused; open → matched (an introduction was accepted) → closed; open/paused/matched
→ closed by the owner or expired at its deadline. Closed and expired are final.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, RuleViolation


class RequestKind(StrEnum):
    KNOWLEDGE_EXCHANGE = "knowledge_exchange"
    PARTNER_SEARCH = "partner_search"
    VISITING_PROFESSOR = "visiting_professor"
    INTERNSHIP = "internship"
    PEER_REVIEW = "peer_review"


class Side(StrEnum):
    SEEKING = "seeking"
    OFFERING = "offering"


class RequestState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    MATCHED = "matched"
    CLOSED = "closed"
    EXPIRED = "expired"


FINAL = frozenset({RequestState.CLOSED, RequestState.EXPIRED})


class Contribution(StrEnum):
    """How a partner contributes to a project output."""

    INFORMATION_EXCHANGE = "information_exchange"
    PEER_REVIEW = "peer_review"
    CO_CREATION = "co_creation"


class Output(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    contributions: tuple[Contribution, ...] = ()


class Details(BaseModel):
    """What each kind adds: a project's outputs and call, a period, a student's level."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outputs: tuple[Output, ...] = ()
    funding_call: str = Field(default="", max_length=300)
    period_start: str = Field(default="", max_length=10)  # YYYY-MM-DD
    period_end: str = Field(default="", max_length=10)
    student_level: str = Field(default="", pattern=r"^(|bachelor|master|phd)$")
    reviewed_item: str = Field(default="", max_length=300)  # programme id or manual title
    capacity: int = Field(default=1, ge=1, le=50)


class Terms(BaseModel):
    """The editable part of a request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    description: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    country: str
    country_preference: str
    exclude_same_organisation: bool
    details: Details
    deadline: datetime | None


class RequestOpened(DomainEvent):
    owner_id: str
    organisation_id: str
    kind: RequestKind
    side: Side
    terms: Terms


class RequestEdited(DomainEvent):
    terms: Terms


class RequestPaused(DomainEvent):
    pass


class RequestResumed(DomainEvent):
    pass


class RequestMatched(DomainEvent):
    pass


class RequestClosed(DomainEvent):
    reason: str


class RequestExpired(DomainEvent):
    pass


class RequestErased(DomainEvent):
    """The owner was forgotten: the request closes and its text goes."""


class RequestNotFound(NotFound):
    """No request has this id, or the caller may not see it."""


class RequestFinished(RuleViolation):
    """A closed or expired request changes no more."""


class NotOpen(RuleViolation):
    """Only an open request can be paused or matched."""


class NotPaused(RuleViolation):
    """Only a paused request can be resumed."""


class MatchRequest(Aggregate):
    """A request or offer. Invariant: a final state is never left."""

    stream_prefix = "request"

    owner_id: str
    organisation_id: str
    kind: RequestKind
    side: Side
    terms: Terms
    state: RequestState

    @classmethod
    def open(
        cls,
        id: str,
        owner_id: str,
        organisation_id: str,
        kind: RequestKind,
        side: Side,
        terms: Terms,
    ) -> Self:
        request = cls(id)
        request.record(
            RequestOpened(
                owner_id=owner_id,
                organisation_id=organisation_id,
                kind=kind,
                side=side,
                terms=terms,
            )
        )
        return request

    def edit(self, terms: Terms) -> None:
        self._require_not_final()
        if terms != self.terms:
            self.record(RequestEdited(terms=terms))

    def pause(self) -> None:
        if self.state is RequestState.PAUSED:
            return
        if self.state is not RequestState.OPEN:
            raise NotOpen(f"request {self.id!r} is {self.state}, not open")
        self.record(RequestPaused())

    def resume(self) -> None:
        self._require_not_final()
        if self.state is RequestState.OPEN:
            return
        if self.state is not RequestState.PAUSED:
            raise NotPaused(f"request {self.id!r} is {self.state}, not paused")
        self.record(RequestResumed())

    def matched(self) -> None:
        if self.state is RequestState.OPEN:
            self.record(RequestMatched())

    def close(self, reason: str) -> None:
        if self.state is RequestState.CLOSED:
            return
        self._require_not_final()
        self.record(RequestClosed(reason=reason))

    def expire(self, now: datetime) -> bool:
        deadline = self.terms.deadline
        if self.state in FINAL or deadline is None or deadline > now:
            return False
        self.record(RequestExpired())
        return True

    def erase(self) -> None:
        self.record(RequestErased())

    def _require_not_final(self) -> None:
        if self.state in FINAL:
            raise RequestFinished(f"request {self.id!r} is {self.state}")

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: RequestOpened) -> None:
        self.owner_id, self.organisation_id = event.owner_id, event.organisation_id
        self.kind, self.side, self.terms = event.kind, event.side, event.terms
        self.state = RequestState.OPEN

    @apply.register
    def _(self, event: RequestEdited) -> None:
        self.terms = event.terms

    @apply.register
    def _(self, event: RequestPaused) -> None:
        self.state = RequestState.PAUSED

    @apply.register
    def _(self, event: RequestResumed) -> None:
        self.state = RequestState.OPEN

    @apply.register
    def _(self, event: RequestMatched) -> None:
        self.state = RequestState.MATCHED

    @apply.register
    def _(self, event: RequestClosed) -> None:
        self.state = RequestState.CLOSED

    @apply.register
    def _(self, event: RequestExpired) -> None:
        self.state = RequestState.EXPIRED

    @apply.register
    def _(self, event: RequestErased) -> None:
        self.owner_id = ""
        self.state = RequestState.CLOSED
