"""Newsletter subscribers from outside the membership: double opt-in.

Subscribing only records the wish (``pending``) and mails a signed confirmation link; the
address receives newsletters once its owner followed that link (``confirmed``). Nobody
can sign a stranger up. A subscriber's id is random (found by address in the read model),
apart from any member's recipient id: one address may be both.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Literal, Self

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field

from ecbm_notify.domain.campaign import CountryCode, Topic
from ecbm_notify.domain.recipients import normalised_email
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import FieldViolation, InvalidArgument, RuleViolation

SubscriberState = Literal["pending", "confirmed", "unsubscribed"]
# The topic a confirmation token is signed for: never one a person unsubscribes from.
CONFIRMATION_PURPOSE = "newsletter-confirmation"


class SubscriptionNotConfirmable(RuleViolation):
    """The subscription was withdrawn; subscribing again sends a new link."""


def deliverable_address(address: str) -> str:
    """The address normalised (trimmed, lower case); ValueError if no server could take it."""
    candidate = normalised_email(address)
    try:
        validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error
    return candidate


def checked_email(address: str, field: str = "email") -> str:
    """`deliverable_address`, with INVALID_ARGUMENT on ``field`` instead of ValueError."""
    try:
        return deliverable_address(address)
    except ValueError as error:
        raise InvalidArgument(FieldViolation(field, str(error))) from error


class Interests(BaseModel):
    """What a subscriber told us about themself."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    display_name: str = Field(default="", max_length=200)
    language: Literal["en", "fr", "de", "nl"] = "en"
    country: CountryCode | None = None
    topics: tuple[Topic, ...] = Field(default=(), max_length=20)


class SubscriptionRequested(DomainEvent):
    email: str
    interests: Interests


class SubscriptionConfirmed(DomainEvent):
    pass


class SubscriberUnsubscribed(DomainEvent):
    pass


class Subscriber(Aggregate):
    """One external address. Invariant: mailed newsletters only while ``confirmed``."""

    stream_prefix = "subscriber"

    email: str
    interests: Interests
    state: SubscriberState

    @classmethod
    def request(cls, id: str, email: str, interests: Interests) -> Self:
        subscriber = cls(id)
        subscriber.record(SubscriptionRequested(email=checked_email(email), interests=interests))
        return subscriber

    def request_again(self, interests: Interests, mail_turned_off: bool = False) -> bool:
        """Subscribing again: a confirmed subscriber's interests change at once (they proved
        the address), unless they turned the newsletter off by its link since; otherwise
        pending again. True when a confirmation must be mailed."""
        if self.state == "confirmed" and not mail_turned_off:
            if interests != self.interests:
                self.record(SubscriptionRequested(email=self.email, interests=interests))
                self.record(SubscriptionConfirmed())
            return False
        self.record(SubscriptionRequested(email=self.email, interests=interests))
        return True

    def confirm(self) -> None:
        """Idempotent: following the link twice is fine."""
        if self.state == "unsubscribed":
            raise SubscriptionNotConfirmable("this subscription was withdrawn; subscribe again")
        if self.state == "pending":
            self.record(SubscriptionConfirmed())

    def unsubscribe(self) -> None:
        if self.state != "unsubscribed":
            self.record(SubscriberUnsubscribed())

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: SubscriptionRequested) -> None:
        self.email, self.interests, self.state = event.email, event.interests, "pending"

    @apply.register
    def _(self, event: SubscriptionConfirmed) -> None:
        self.state = "confirmed"

    @apply.register
    def _(self, event: SubscriberUnsubscribed) -> None:
        self.state = "unsubscribed"


SUBSCRIBER_EVENTS: tuple[type[DomainEvent], ...] = (
    SubscriptionRequested,
    SubscriptionConfirmed,
    SubscriberUnsubscribed,
)
