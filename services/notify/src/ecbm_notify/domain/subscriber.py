"""Newsletter subscribers from outside the membership: double opt-in.

Subscribing only records the wish (``pending``) and queues a signed confirmation link; the
address receives newsletters once its owner followed that link (``confirmed``). Nobody
can sign a stranger up, nor change a confirmed subscriber's interests: a confirmed address
that subscribes again gets a link too, and the new interests apply when it is followed.
Each link confirms the request it was mailed for (its number), not a later one.
A subscriber's id is random (found by address in the read model), apart from any member's
recipient id: one address may be both.
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
# The e-mail that carries the link (its template folder and delivery type).
CONFIRMATION_TYPE = "newsletter_confirmation"


class SubscriptionNotConfirmable(RuleViolation):
    """The subscription was withdrawn; subscribing again sends a new link."""


class ConfirmationReplaced(RuleViolation):
    """A newer confirmation link was mailed since; only the latest one works."""


def confirmation_purpose(request: int) -> str:
    """What the link confirming request number ``request`` is signed for."""
    return f"{CONFIRMATION_PURPOSE}:{request}"


def confirmed_request(purpose: str) -> int | None:
    """The request number a signed purpose confirms; None for links from before numbers
    (they confirm a pending subscription only). ValueError when it is no confirmation."""
    if purpose == CONFIRMATION_PURPOSE:
        return None
    prefix, _, number = purpose.rpartition(":")
    if prefix != CONFIRMATION_PURPOSE or not number.isdigit():
        raise ValueError("not a subscription confirmation")
    return int(number)


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


class SubscriptionChangeRequested(DomainEvent):
    """A confirmed subscriber's address asked for other interests (not applied yet)."""

    interests: Interests


class SubscriptionChanged(DomainEvent):
    """The owner followed the link: the requested interests apply."""

    interests: Interests


class SubscriberUnsubscribed(DomainEvent):
    pass


class Subscriber(Aggregate):
    """One external address. Invariants: mailed newsletters only while ``confirmed``; its
    interests change only by a request whose mailed link was followed."""

    stream_prefix = "subscriber"

    email: str
    interests: Interests
    state: SubscriberState
    # The number (stream version) of the latest request: what its link confirms.
    request_number: int
    requested: Interests | None

    @classmethod
    def request(cls, id: str, email: str, interests: Interests) -> Self:
        subscriber = cls(id)
        subscriber.record(SubscriptionRequested(email=checked_email(email), interests=interests))
        return subscriber

    def request_again(self, interests: Interests, mail_turned_off: bool = False) -> int:
        """Subscribing again; the number of the request a new link must confirm.

        A confirmed subscriber stays confirmed with their interests until the link is
        followed (whoever asked may not own the address); one who turned the newsletter
        off by its link since, or never confirmed, is pending again."""
        if self.state == "confirmed" and not mail_turned_off:
            self.record(SubscriptionChangeRequested(interests=interests))
        else:
            self.record(SubscriptionRequested(email=self.email, interests=interests))
        return self.request_number

    def confirm(self, request: int | None = None) -> None:
        """Confirm request number ``request`` (None: a link from before numbers, which
        confirms a pending subscription only). Idempotent: following a link twice is fine."""
        if self.state == "unsubscribed":
            raise SubscriptionNotConfirmable("this subscription was withdrawn; subscribe again")
        if request is not None and request != self.request_number:
            raise ConfirmationReplaced("a newer link was mailed since; use the latest one")
        if self.state == "pending":
            self.record(SubscriptionConfirmed())
        elif self.requested is not None and request is not None:
            self.record(SubscriptionChanged(interests=self.requested))

    def unsubscribe(self) -> None:
        if self.state != "unsubscribed":
            self.record(SubscriberUnsubscribed())

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: SubscriptionRequested) -> None:
        self.email, self.interests, self.state = event.email, event.interests, "pending"
        self.request_number, self.requested = self.version + 1, None

    @apply.register
    def _(self, event: SubscriptionConfirmed) -> None:
        self.state = "confirmed"

    @apply.register
    def _(self, event: SubscriptionChangeRequested) -> None:
        self.request_number, self.requested = self.version + 1, event.interests

    @apply.register
    def _(self, event: SubscriptionChanged) -> None:
        self.interests, self.requested = event.interests, None

    @apply.register
    def _(self, event: SubscriberUnsubscribed) -> None:
        self.state = "unsubscribed"


SUBSCRIBER_EVENTS: tuple[type[DomainEvent], ...] = (
    SubscriptionRequested,
    SubscriptionConfirmed,
    SubscriberUnsubscribed,
    SubscriptionChangeRequested,
    SubscriptionChanged,
)
