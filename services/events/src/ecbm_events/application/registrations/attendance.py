"""Attendance: tickets (check-in tokens, join links), check-in, joining online, no-shows,
and certificates of attendance for verified attendance only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ecbm_events.adapters.certificate_pdf import CertificateText, render
from ecbm_events.application.registrations import integration
from ecbm_events.application.registrations.certificates import (
    CertificateNotFound,
    new_certificate_code,
    normalised_code,
)
from ecbm_events.application.registrations.commands import (
    CheckIn,
    IssueCertificate,
    IssueTicket,
    JoinOnline,
    RecordNoShow,
    VerifyCertificate,
)
from ecbm_events.application.registrations.handlers import (
    ATTENDING,
    RegistrationRef,
    publish_about,
    ref_of,
    registration_for,
)
from ecbm_events.application.registrations.tickets import InvalidTicket
from ecbm_events.domain.event import Event, EventNotFound
from ecbm_events.domain.places import Mode
from ecbm_events.domain.registration import (
    NotConfirmed,
    Registration,
    RegistrationNotFound,
)
from ecbm_runtime.errors import FieldViolation, InvalidArgument

if TYPE_CHECKING:
    from ecbm_events.application.dependencies import EventsDependencies


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


def record_no_show(command: RecordNoShow, deps: EventsDependencies) -> RegistrationRef:
    with deps.uow() as work:
        registration_for(work, command).record_no_show()
        work.commit()
    return ref_of(command)


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
    if found.state not in ATTENDING:
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
        registration = registration_for(work, command, editors_too=False)
        code = registration.issue_certificate(new_certificate_code(), command.holder_name)
        if registration.has_new_events:
            event = work.repository(Event).get(registration.event_id)
            issued = integration.certificate_issued(registration, event, code, now)
            publish_about(work, registration, issued)
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
            publish_about(
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
            publish_about(
                work, registration, integration.attendance_recorded(registration, "", "online", now)
            )
        work.commit()
    return Joined(event.id, event.details.stream_url)
