"""Registrations: pending → confirmed / waitlisted (→ offered) → cancelled / attended / no-show.

A registration is its own aggregate (one stream each): registering never contends on one
person's stream with another person. Whether a place is free is decided by the event
(``Event.admit``) under the store's append lock; a registration records the outcome.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Literal, Self

from ecbm_events.domain.event import Admission
from ecbm_events.domain.places import Applicant, Mode
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import Conflict, NotFound, RuleViolation


class RegistrationState(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    CANCELLED = "cancelled"
    DECLINED = "declined"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


# States that hold one of the event's places (an offered place is held for its person).
HOLDS_PLACE = frozenset(
    {
        RegistrationState.CONFIRMED,
        RegistrationState.OFFERED,
        RegistrationState.ATTENDED,
        RegistrationState.NO_SHOW,
    }
)
# States after which nothing changes any more but attendance.
CLOSED = frozenset({RegistrationState.CANCELLED, RegistrationState.DECLINED})
# States a person may still cancel from.
CANCELLABLE = frozenset(
    {
        RegistrationState.PENDING,
        RegistrationState.CONFIRMED,
        RegistrationState.WAITLISTED,
        RegistrationState.OFFERED,
    }
)

Via = Literal["check_in", "online"]


class RegistrationRequested(DomainEvent):
    event_id: str
    person_id: str
    mode: Mode
    answers: dict[str, str]
    admission: Admission
    applicant: Applicant = Applicant()
    quotas: tuple[str, ...] = ()


class RegistrationApproved(DomainEvent):
    admission: Admission


class RegistrationDeclined(DomainEvent):
    reason: str


class RegistrationCancelled(DomainEvent):
    reason: str


class PlaceOffered(DomainEvent):
    expires_at: datetime


class OfferAccepted(DomainEvent):
    pass


class OfferLapsed(DomainEvent):
    pass


class AttendanceRecorded(DomainEvent):
    session_id: str = ""
    via: Via


class NoShowRecorded(DomainEvent):
    pass


class CertificateIssued(DomainEvent):
    code: str
    holder_name: str


class AnswersErased(DomainEvent):
    """The registration form's answers were deleted: the retention time after the event ran out."""


class RegistrationErased(DomainEvent):
    """The person was forgotten: who registered and their answers are gone."""


class RegistrationNotFound(NotFound):
    """No registration has this id, or it is not the caller's."""


class AdmissionRaced(Conflict):
    """Another registration took the last place (or the same person registered) at the
    same moment: the registration is decided again on fresh counts."""


class NotPending(RuleViolation):
    """Only a pending registration can be approved or declined."""


class NotCancellable(RuleViolation):
    """The registration is cancelled, declined or attended already."""


class NoPlaceOffered(RuleViolation):
    """No place is offered to this registration (any more)."""


class NotConfirmed(RuleViolation):
    """Tickets, check-in and joining need a confirmed registration."""


class NotAttended(RuleViolation):
    """Certificates are only for verified attendance."""


class Registration(Aggregate):
    """One person's registration for one event.

    Invariants: a state changes only along the lifecycle above; an offered place is taken
    only before it expires; attendance is recorded once per session, only for a
    registration that holds a confirmed place.
    """

    stream_prefix = "registration"

    event_id: str
    person_id: str
    mode: Mode
    answers: dict[str, str]
    applicant: Applicant
    quotas: tuple[str, ...]
    state: RegistrationState
    reason: str
    offer_expires_at: datetime | None
    attended: frozenset[str]
    certificate_code: str

    @classmethod
    def request(
        cls,
        id: str,
        event_id: str,
        person_id: str,
        mode: Mode,
        answers: dict[str, str],
        admission: Admission,
        applicant: Applicant = Applicant(),
        quotas: tuple[str, ...] = (),
    ) -> Self:
        registration = cls(id)
        registration.record(
            RegistrationRequested(
                event_id=event_id,
                person_id=person_id,
                mode=mode,
                answers=answers,
                admission=admission,
                applicant=applicant,
                quotas=quotas,
            )
        )
        return registration

    @property
    def holds_place(self) -> bool:
        return self.state in HOLDS_PLACE

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED

    def approve(self, admission: Admission) -> None:
        self.require_pending("approved")
        self.record(RegistrationApproved(admission=admission))

    def decline(self, reason: str) -> None:
        self.require_pending("declined")
        self.record(RegistrationDeclined(reason=reason))

    def cancel(self, reason: str) -> None:
        if self.state not in CANCELLABLE:
            raise NotCancellable(
                f"registration {self.id!r} is {self.state} and cannot be cancelled"
            )
        self.record(RegistrationCancelled(reason=reason))

    def offer(self, expires_at: datetime) -> None:
        if self.state is not RegistrationState.WAITLISTED:
            raise RuleViolation(f"registration {self.id!r} is not waiting for a place")
        self.record(PlaceOffered(expires_at=expires_at))

    def accept_offer(self, now: datetime) -> None:
        if self.state is not RegistrationState.OFFERED or self.offer_expired(now):
            raise NoPlaceOffered(f"no place is offered to registration {self.id!r} now")
        self.record(OfferAccepted())

    def offer_expired(self, now: datetime) -> bool:
        return self.offer_expires_at is not None and now >= self.offer_expires_at

    def lapse_offer(self, now: datetime) -> None:
        """The offered place was not taken in time: it goes to the next person waiting."""
        if self.state is RegistrationState.OFFERED and self.offer_expired(now):
            self.record(OfferLapsed())

    def record_attendance(self, session_id: str, via: Via) -> bool:
        """Record attendance of ``session_id`` ("" the whole event); False if known already."""
        if self.state not in (RegistrationState.CONFIRMED, RegistrationState.ATTENDED):
            raise NotConfirmed(f"registration {self.id!r} is {self.state}, not confirmed")
        if session_id in self.attended:
            return False
        self.record(AttendanceRecorded(session_id=session_id, via=via))
        return True

    def record_no_show(self) -> None:
        if self.state is not RegistrationState.CONFIRMED:
            raise NotConfirmed(f"registration {self.id!r} is {self.state}, not confirmed")
        self.record(NoShowRecorded())

    def issue_certificate(self, code: str, holder_name: str) -> str:
        """The certificate's code: ``code`` for a first one, the existing code after that."""
        if self.state is not RegistrationState.ATTENDED:
            raise NotAttended(
                f"registration {self.id!r} is {self.state}: certificates are only for "
                "verified attendance (checked in or joined online)"
            )
        if not self.certificate_code:
            self.record(CertificateIssued(code=code, holder_name=holder_name))
        return self.certificate_code

    def erase_answers(self) -> None:
        if self.answers:
            self.record(AnswersErased())

    def erase(self) -> None:
        if self.person_id:
            self.record(RegistrationErased())

    def require_pending(self, verb: str) -> None:
        if self.state is not RegistrationState.PENDING:
            raise NotPending(
                f"registration {self.id!r} is {self.state}; only pending ones are {verb}"
            )

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: RegistrationRequested) -> None:
        self.event_id, self.person_id, self.mode = event.event_id, event.person_id, event.mode
        self.answers, self.state = dict(event.answers), RegistrationState(event.admission)
        self.applicant, self.quotas = event.applicant, event.quotas
        self.reason, self.offer_expires_at, self.attended = "", None, frozenset()
        self.certificate_code = ""

    @apply.register
    def _(self, event: RegistrationApproved) -> None:
        self.state = RegistrationState(event.admission)

    @apply.register
    def _(self, event: RegistrationDeclined) -> None:
        self.state, self.reason = RegistrationState.DECLINED, event.reason

    @apply.register
    def _(self, event: RegistrationCancelled) -> None:
        self.state, self.reason = RegistrationState.CANCELLED, event.reason

    @apply.register
    def _(self, event: PlaceOffered) -> None:
        self.state, self.offer_expires_at = RegistrationState.OFFERED, event.expires_at

    @apply.register
    def _(self, event: OfferAccepted) -> None:
        self.state, self.offer_expires_at = RegistrationState.CONFIRMED, None

    @apply.register
    def _(self, event: OfferLapsed) -> None:
        self.state, self.offer_expires_at = RegistrationState.CANCELLED, None
        self.reason = "the offered place was not taken in time"

    @apply.register
    def _(self, event: AttendanceRecorded) -> None:
        self.state = RegistrationState.ATTENDED
        self.attended = self.attended | {event.session_id}

    @apply.register
    def _(self, event: NoShowRecorded) -> None:
        self.state = RegistrationState.NO_SHOW

    @apply.register
    def _(self, event: CertificateIssued) -> None:
        self.certificate_code = event.code

    @apply.register
    def _(self, event: AnswersErased) -> None:
        self.answers = {}

    @apply.register
    def _(self, event: RegistrationErased) -> None:
        self.person_id, self.answers = "", {}
        self.applicant = Applicant(ticket_type=self.applicant.ticket_type)
