"""Handlers of the registrations area: ``handler(message, deps)``, one per use case.

Never overbooked: every handler that can take or free a place holds the store's append
lock (``work.lock_appends``) from before it counts the places until it commits, so no
other registration commits between the count and the decision (PostgreSQL: an advisory
lock; SQLite: the write lock every transaction takes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from ecbm_events.adapters.calendar import calendar
from ecbm_events.adapters.certificate_pdf import CertificateText, render
from ecbm_events.adapters.registrations.views import RegistrationPage, RegistrationView
from ecbm_events.adapters.views import EventsViews
from ecbm_events.application.actor import Actor
from ecbm_events.application.programme.handlers import CalendarFile
from ecbm_events.application.registrations import integration
from ecbm_events.application.registrations.certificates import (
    CertificateNotFound,
    new_certificate_code,
    normalised_code,
)
from ecbm_events.application.registrations.commands import (
    AcceptPlace,
    ApproveRegistration,
    CancelRegistration,
    CheckIn,
    DeclineRegistration,
    EraseExpiredAnswers,
    IssueCertificate,
    IssueTicket,
    JoinOnline,
    LapseOffers,
    RecordNoShow,
    RegisterForEvent,
    RegistrationCommand,
    VerifyCertificate,
)
from ecbm_events.application.registrations.queries import (
    GetCalendarFeed,
    GetMyCalendar,
    GetRegistration,
    ListRegistrations,
)
from ecbm_events.application.registrations.tickets import InvalidTicket
from ecbm_events.domain.contribution import Contribution, ContributionProposed
from ecbm_events.domain.event import Event, EventNotFound, Mode
from ecbm_events.domain.registration import (
    CANCELLABLE,
    CertificateIssued,
    NotConfirmed,
    Registration,
    RegistrationNotFound,
    RegistrationRequested,
    RegistrationState,
)
from ecbm_integration import registry
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_events.application.dependencies import EventsDependencies

Work: TypeAlias = UnitOfWork[EventsViews]
_ATTENDING = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)


@dataclass(frozen=True)
class RegistrationRef:
    event_id: str
    registration_id: str


@dataclass(frozen=True)
class Ticket:
    check_in_token: str
    join_token: str
    expires_at: datetime


@dataclass(frozen=True)
class CertificateFile:
    code: str
    holder_name: str
    event_id: str
    event_title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    issued_at: datetime
    pdf: bytes = b""


@dataclass(frozen=True)
class Joined:
    event_id: str
    stream_url: str


def register_for_event(command: RegisterForEvent, deps: EventsDependencies) -> RegistrationRef:
    person, now = command.actor.person(), deps.clock()
    with deps.uow() as work:
        event = _event(work, command.event_id, command.actor)
        work.lock_appends()  # from the count to the commit: see the module's docstring
        existing, occupancy = work.views.registrations.admission(event.id, person)
        if existing is not None:
            return RegistrationRef(event.id, existing)
        admission = event.admit(command.mode, occupancy, now)
        key = f"{event.id}:{person}:{command.request_id}" if command.request_id else ""
        registration_id = new_id("registration", key)
        if key and work.repository(Registration).exists(registration_id):
            return RegistrationRef(event.id, registration_id)  # this request, cancelled since
        registration = Registration.request(
            registration_id,
            event.id,
            person,
            command.mode,
            dict(command.answers),
            admission,
        )
        work.repository(Registration).add(registration)
        _announce(work, registration, event, now)
        work.commit()
    return RegistrationRef(event.id, registration.id)


def approve_registration(command: ApproveRegistration, deps: EventsDependencies) -> RegistrationRef:
    now = deps.clock()
    with deps.uow() as work:
        work.lock_appends()
        registration = _registration(work, command)
        event = _event(work, registration.event_id, command.actor)
        occupancy = work.views.registrations.occupancy(event.id)
        registration.require_pending("approved")
        registration.approve(event.place_for(registration.mode, occupancy))
        _announce(work, registration, event, now)
        work.commit()
    return _ref(command)


def decline_registration(command: DeclineRegistration, deps: EventsDependencies) -> RegistrationRef:
    with deps.uow() as work:
        _registration(work, command).decline(command.reason)
        work.commit()
    return _ref(command)


def cancel_registration(command: CancelRegistration, deps: EventsDependencies) -> RegistrationRef:
    """Cancel; a place it held goes to the next people waiting, for a limited time."""
    with deps.uow() as work:
        work.lock_appends()
        registration = _registration(work, command)
        _cancel(work, deps, registration, command.reason or "cancelled")
        work.commit()
    return _ref(command)


def accept_place(command: AcceptPlace, deps: EventsDependencies) -> RegistrationRef:
    now = deps.clock()
    with deps.uow() as work:
        registration = _registration(work, command, editors_too=False)
        registration.accept_offer(now)
        event = _event(work, registration.event_id, command.actor)
        _announce(work, registration, event, now)
        work.commit()
    return _ref(command)


def record_no_show(command: RecordNoShow, deps: EventsDependencies) -> RegistrationRef:
    with deps.uow() as work:
        _registration(work, command).record_no_show()
        work.commit()
    return _ref(command)


def issue_ticket(command: IssueTicket, deps: EventsDependencies) -> Ticket:
    """The person's signed check-in token, and a join link if they take part online."""
    with deps.read() as views:
        found = views.registrations.registration(command.registration_id)
        if (
            found is None
            or found.event_id != command.event_id
            or not command.actor.owns(found.person_id)
        ):
            raise RegistrationNotFound(f"registration {command.registration_id!r} does not exist")
        event = views.programme.event(found.event_id)
    if event is None:
        raise EventNotFound(f"event {command.event_id!r} does not exist")
    if found.state not in _ATTENDING:
        raise NotConfirmed(f"registration {found.id!r} is {found.state}, not confirmed")
    expires_at = event.details.ends_at + deps.ticket_grace
    check_in = deps.tickets.issue("check-in", found.id, found.event_id, expires_at)
    join = (
        deps.tickets.issue("join", found.id, found.event_id, expires_at)
        if found.mode is Mode.ONLINE
        else ""
    )
    return Ticket(check_in, join, expires_at)


def issue_certificate(command: IssueCertificate, deps: EventsDependencies) -> CertificateFile:
    """The holder's certificate (a new code the first time) and its PDF."""
    now = deps.clock()
    with deps.uow() as work:
        registration = _registration(work, command, editors_too=False)
        code = registration.issue_certificate(new_certificate_code(), command.holder_name)
        if registration.has_new_events:
            issued = integration.certificate_issued(registration, code, now)
            _publish(work, registration, issued)
        work.commit()
    return _certificate(deps, code, with_pdf=True)


def verify_certificate(query: VerifyCertificate, deps: EventsDependencies) -> CertificateFile:
    return _certificate(deps, normalised_code(query.code), with_pdf=False)


def _certificate(deps: EventsDependencies, code: str, with_pdf: bool) -> CertificateFile:
    with deps.read() as views:
        record = views.registrations.certificate(code)
        event = views.programme.event(record.event_id) if record else None
    if record is None or event is None:
        raise CertificateNotFound(f"no certificate has the code {code!r}")
    d = event.details
    found = CertificateFile(
        record.code, record.holder_name, event.id, d.title, d.starts_at, d.ends_at, d.time_zone,
        record.issued_at,
    )  # fmt: skip
    if not with_pdf:
        return found
    text = CertificateText(
        found.holder_name, d.title, d.starts_at, d.ends_at, d.time_zone, found.code, found.issued_at
    )
    return replace(found, pdf=render(text))


def check_in(command: CheckIn, deps: EventsDependencies) -> RegistrationRef:
    """Attendance from a scanned QR token (forged or expired: PERMISSION_DENIED)."""
    now = deps.clock()
    claims = deps.tickets.verify("check-in", command.token, now)
    with deps.uow() as work:
        registration = work.repository(Registration).find(claims.registration_id)
        if registration is None:
            raise InvalidTicket("this check-in token names no registration")
        event = work.repository(Event).get(registration.event_id)
        if command.session_id and event.session(command.session_id) is None:
            raise InvalidArgument(FieldViolation("session_id", "no such session in this event"))
        if registration.record_attendance(command.session_id, "check_in"):
            _publish(
                work,
                registration,
                integration.attendance_recorded(registration, command.session_id, "check_in", now),
            )
        work.commit()
    return RegistrationRef(registration.event_id, registration.id)


def join_online(command: JoinOnline, deps: EventsDependencies) -> Joined:
    """The stream's address for a join link's holder; records the registrant's attendance."""
    now = deps.clock()
    claims = deps.tickets.verify("join", command.token, now)
    with deps.uow() as work:
        registration = work.repository(Registration).find(claims.registration_id)
        if registration is None or registration.mode is not Mode.ONLINE:
            raise InvalidTicket("this join link names no online registration")
        event = work.repository(Event).get(registration.event_id)
        if registration.record_attendance("", "online"):
            _publish(
                work, registration, integration.attendance_recorded(registration, "", "online", now)
            )
        work.commit()
    return Joined(event.id, event.details.stream_url)


def lapse_offers(command: LapseOffers, deps: EventsDependencies) -> int:
    """Offers not taken in time move on to the next person waiting; how many lapsed."""
    now = deps.clock()
    with deps.read() as views:
        lapsed = views.registrations.lapsed_offers(now, command.limit)
    for registration_id in lapsed:  # one unit of work each: one bad row stops no other
        with deps.uow() as work:
            work.lock_appends()
            registration = work.repository(Registration).get(registration_id)
            event = work.repository(Event).get(registration.event_id)
            taken = work.views.registrations.occupancy(event.id).taken_of(registration.mode)
            registration.lapse_offer(now)
            if registration.has_new_events:
                _offer_freed(work, deps, event, registration.mode, taken - 1)
            work.commit()
    return len(lapsed)


def erase_expired_answers(command: EraseExpiredAnswers, deps: EventsDependencies) -> int:
    """Delete the answers of registrations whose event ended before the retention; how many.

    From the read model and from the stored ``RegistrationRequested`` events alike.
    """
    ended_before = deps.clock() - deps.answers_retention
    with deps.uow() as work:
        expired = work.views.registrations.answers_to_erase(ended_before, command.limit)
        for registration_id in expired:
            registration = work.repository(Registration).get(registration_id)
            registration.erase_answers()
            work.store.redact(
                registration.stream_id, {RegistrationRequested.__name__: {"answers": {}}}
            )
        work.commit()
    return len(expired)


def on_person_forgotten(event: registry.PersonForgotten, deps: EventsDependencies) -> int:
    """Erase the person here too: who registered, what they answered, who proposed what.

    Open registrations are cancelled first (a place goes on to the next person waiting);
    the stored ``RegistrationRequested`` events are redacted and unpublished messages about
    the person dropped. The first unit of work claims the delivery.
    """
    with deps.uow() as work:
        work.lock_appends()
        views = work.views.registrations.of_person(event.person_id)
        for view in views:
            registration = work.repository(Registration).get(view.id)
            if registration.state in CANCELLABLE:
                _cancel(work, deps, registration, "the person left the network")
            registration.erase()
            work.store.redact(
                registration.stream_id,
                {
                    RegistrationRequested.__name__: {"person_id": "", "answers": {}},
                    CertificateIssued.__name__: {"holder_name": ""},
                },
                {"actor": None},
            )
        for contribution_id in work.views.contributions.of_person(event.person_id):
            contribution = work.repository(Contribution).get(contribution_id)
            contribution.erase()
            work.store.redact(
                contribution.stream_id,
                {ContributionProposed.__name__: {"person_id": ""}},
                {"actor": None},
            )
        work.forget_subject(event.person_id)
        work.commit()
    return len(views)


def get_registration(query: GetRegistration, deps: EventsDependencies) -> RegistrationView:
    with deps.read() as views:
        found = views.registrations.registration(query.registration_id)
    if found is None or found.event_id != query.event_id or not _sees(query.actor, found.person_id):
        raise RegistrationNotFound(f"registration {query.registration_id!r} does not exist")
    return found


def list_registrations(query: ListRegistrations, deps: EventsDependencies) -> RegistrationPage:
    """Editors: all of an event's. Members: their own only."""
    everyone = query.event_id is not None and query.actor.is_editor
    with deps.read() as views:
        return views.registrations.page(
            event_id=query.event_id,
            person_id=None if everyone else query.actor.person(),
            state=query.state,
            size=query.page_size,
            offset=query.offset,
        )


def get_my_calendar(query: GetMyCalendar, deps: EventsDependencies) -> CalendarFile:
    """The caller's calendar, and the private address of the same feed for calendar apps."""
    person, now = query.actor.person(), deps.clock()
    token = deps.tickets.issue("calendar", person, "", now + deps.feeds.valid_for)
    feed = f"{deps.feeds.base_url}/calendar.ics?token={token}"
    return replace(_person_calendar(deps, person), feed_url=feed)


def get_calendar_feed(query: GetCalendarFeed, deps: EventsDependencies) -> CalendarFile:
    """A personal feed; a forged or expired token is PERMISSION_DENIED."""
    claims = deps.tickets.verify("calendar", query.token, deps.clock())
    return _person_calendar(deps, claims.registration_id)  # the token's subject: a person


def _person_calendar(deps: EventsDependencies, person: str) -> CalendarFile:
    with deps.read() as views:
        mine = views.registrations.of_person(person, open_only=True)
        events = views.programme.events([r.event_id for r in mine])
    return CalendarFile(calendar("My events", events, deps.clock()))


def _cancel(work: Work, deps: EventsDependencies, registration: Registration, reason: str) -> None:
    held = registration.holds_place
    event = work.repository(Event).get(registration.event_id)
    taken = work.views.registrations.occupancy(event.id).taken_of(registration.mode)
    registration.cancel(reason)
    if held:
        _offer_freed(work, deps, event, registration.mode, taken - 1)


def _offer_freed(
    work: Work, deps: EventsDependencies, event: Event, mode: Mode, taken: int
) -> None:
    """Offer each place of ``mode`` now free to the next person waiting, for a while."""
    now = deps.clock()
    expires_at = now + deps.offer_hold
    for waiting_id in work.views.registrations.waiting(event.id, mode, event.places(mode) - taken):
        waiting = work.repository(Registration).get(waiting_id)
        waiting.offer(expires_at)
        _publish(work, waiting, integration.place_offered(waiting, expires_at, now))


def _announce(work: Work, registration: Registration, event: Event, now: datetime) -> None:
    """RegistrationConfirmed or RegistrationWaitlisted for the state just reached."""
    if registration.state is RegistrationState.CONFIRMED:
        _publish(work, registration, integration.confirmed(registration, event, now))
    elif registration.state is RegistrationState.WAITLISTED:
        _publish(work, registration, integration.waitlisted(registration, now))


def _publish(work: Work, registration: Registration, message: Any) -> None:
    work.publish(message, subject=registration.person_id)


def _event(work: Work, event_id: str, actor: Actor) -> Event:
    """The event; a draft is NOT_FOUND except to editors."""
    event = work.repository(Event).find(event_id)
    if event is None or not (event.published or actor.is_editor):
        raise EventNotFound(f"event {event_id!r} does not exist")
    return event


def _registration(
    work: Work, command: RegistrationCommand, editors_too: bool = True
) -> Registration:
    """The registration named by the command, if the caller may act on it.

    Its person may; editors too unless ``editors_too`` is False. To anyone else it does
    not exist (NOT_FOUND, so ids cannot be probed).
    """
    registration = work.repository(Registration).find(command.registration_id)
    actor = command.actor
    allowed = registration is not None and (
        actor.owns(registration.person_id) or (editors_too and actor.is_editor)
    )
    if registration is None or registration.event_id != command.event_id or not allowed:
        raise RegistrationNotFound(f"registration {command.registration_id!r} does not exist")
    return registration


def _sees(actor: Actor, person_id: str) -> bool:
    return actor.is_editor or actor.owns(person_id)


def _ref(command: RegistrationCommand) -> RegistrationRef:
    return RegistrationRef(command.event_id, command.registration_id)
