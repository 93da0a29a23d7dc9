"""Handlers of the registrations area: ``handler(message, deps)``, one per use case.

Never overbooked: the places counters (``event_places``) cannot pass their places (a
check constraint). Registering decides on the counts it read without a lock; if another
registration took the place before it commits, the counter's update fails, the unit of
work rolls back (``AdmissionRaced``) and the registration is decided again on fresh counts.
The counters' row locks are held only from their update (last) to the commit. Handlers
that free places (cancel, approve, lapse) still take the store's append lock, so a freed
place is offered once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from ecbm_events.adapters.calendar import calendar
from ecbm_events.adapters.registrations.views import RegistrationPage, RegistrationView
from ecbm_events.adapters.views import EventsViews
from ecbm_events.application.programme.handlers import CalendarFile
from ecbm_events.application.registrations import integration
from ecbm_events.application.registrations.commands import (
    AcceptPlace,
    ApproveRegistration,
    CancelRegistration,
    DeclineRegistration,
    LapseOffers,
    RegisterForEvent,
    RegistrationCommand,
)
from ecbm_events.application.registrations.queries import (
    GetCalendarFeed,
    GetMyCalendar,
    GetRegistration,
    ListRegistrations,
)
from ecbm_events.domain.event import Admission, Event, EventNotFound
from ecbm_events.domain.places import Applicant, Mode, Occupancy
from ecbm_events.domain.registration import (
    AdmissionRaced,
    Registration,
    RegistrationNotFound,
    RegistrationState,
)
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import DomainError
from ecbm_runtime.group_commit import Submitted
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_events.application.dependencies import EventsDependencies

Work: TypeAlias = UnitOfWork[EventsViews]
ATTENDING = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)
# A registration raced for the last place is decided again; each lost race means another
# took the place, so after one retry the counts show it gone.
ADMISSION_ATTEMPTS = 5


@dataclass(frozen=True)
class RegistrationRef:
    event_id: str
    registration_id: str
    # The registration as read right after the commit, when the handler read it.
    view: RegistrationView | None = field(default=None, compare=False)


def register_for_event(command: RegisterForEvent, deps: EventsDependencies) -> RegistrationRef:
    """With a group desk (the api): saved with the registrations that arrive with it."""
    if deps.registration_groups is not None:
        return deps.registration_groups.submit(command, deps.context)
    return register_alone(command, deps)


def register_alone(command: RegisterForEvent, deps: EventsDependencies) -> RegistrationRef:
    """Decided on the counts; again on fresh ones if another took the place first."""
    alone = [Submitted(command, deps.context)]
    for _ in range(ADMISSION_ATTEMPTS - 1):
        with contextlib.suppress(AdmissionRaced):
            return _decided(register_group(alone, deps))
    return _decided(register_group(alone, deps))


def _decided(answers: list[RegistrationRef | Exception]) -> RegistrationRef:
    (answer,) = answers
    if isinstance(answer, Exception):
        raise answer
    return answer


@dataclass
class _Admissions:
    """One event's counts and open registrations as a group reads them, kept up to date
    while the group's registrations are decided in turn."""

    occupancy: Occupancy
    version: int | None
    open_by_person: dict[str, str]


def register_group(
    group: Sequence[Submitted[RegisterForEvent]], deps: EventsDependencies
) -> list[RegistrationRef | Exception]:
    """Registrations decided in arrival order on counts read once, saved in one unit of work.

    A registration the rules refuse (closed, no such event, a wrong ticket type) gets its
    error and the others go on. A lost race fails the whole group at commit
    (``AdmissionRaced``): the group desk then runs each registration alone.
    """
    now = deps.clock()
    answers: list[RegistrationRef | Exception] = []
    with deps.uow() as work:
        admissions = _admissions(work, group)
        for item in group:
            try:
                with work.on_behalf_of(item.context):
                    answers.append(_admit(work, deps, admissions, item.command, now))
            except AdmissionRaced:
                raise
            except DomainError as refused:
                answers.append(refused)
        work.commit()
        # Read on the same connection, outside the counters' locks: no second checkout.
        ids = [a.registration_id for a in answers if isinstance(a, RegistrationRef)]
        views = work.views.registrations.registrations(ids)
    return [
        replace(a, view=views.get(a.registration_id)) if isinstance(a, RegistrationRef) else a
        for a in answers
    ]


def _admissions(work: Work, group: Sequence[Submitted[RegisterForEvent]]) -> dict[str, _Admissions]:
    people: dict[str, list[str]] = {}
    for item in group:
        people.setdefault(item.command.event_id, []).append(item.command.actor.subject)
    found = {}
    for event_id, persons in people.items():
        existing, occupancy, version = work.views.registrations.admission(event_id, persons)
        found[event_id] = _Admissions(occupancy, version, existing)
    return found


def _admit(
    work: Work,
    deps: EventsDependencies,
    admissions: dict[str, _Admissions],
    command: RegisterForEvent,
    now: datetime,
) -> RegistrationRef:
    person = command.actor.require_subject()
    counts = admissions[command.event_id]
    event = seen_event(work, deps, command.event_id, counts.version, command.actor)
    existing = counts.open_by_person.get(person)
    if existing is not None:
        return RegistrationRef(event.id, existing)
    applicant = Applicant(
        ticket_type=command.ticket_type, country=command.country, role=command.role
    )
    quotas = event.quotas_of(command.mode, applicant)
    admission = event.admit(command.mode, quotas, counts.occupancy, now)
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
        applicant,
        quotas,
    )
    work.repository(Registration).add(registration)
    announce(work, registration, event, now)
    counts.open_by_person[person] = registration.id
    if admission is Admission.CONFIRMED:
        counts.occupancy = counts.occupancy.moved(command.mode, quotas, +1)
    elif admission is Admission.WAITLISTED:
        counts.occupancy = counts.occupancy.queued(command.mode, +1)
    return RegistrationRef(event.id, registration.id)


def approve_registration(command: ApproveRegistration, deps: EventsDependencies) -> RegistrationRef:
    now = deps.clock()
    with deps.uow() as work:
        work.lock_appends()
        registration = registration_for(work, command)
        event = event_for(work, registration.event_id, command.actor)
        occupancy = work.views.registrations.occupancy(event.id)
        registration.require_pending("approved")
        registration.approve(event.place_for(registration.mode, registration.quotas, occupancy))
        announce(work, registration, event, now)
        work.commit()
    return ref_of(command)


def decline_registration(command: DeclineRegistration, deps: EventsDependencies) -> RegistrationRef:
    with deps.uow() as work:
        registration_for(work, command).decline(command.reason)
        work.commit()
    return ref_of(command)


def cancel_registration(command: CancelRegistration, deps: EventsDependencies) -> RegistrationRef:
    """Cancel; a place it held goes to the next people waiting, for a limited time."""
    with deps.uow() as work:
        work.lock_appends()
        registration = registration_for(work, command)
        event = cancel_and_offer(work, deps, registration, command.reason or "cancelled")
        publish_about(work, registration, integration.cancelled(registration, event, deps.clock()))
        work.commit()
    return ref_of(command)


def accept_place(command: AcceptPlace, deps: EventsDependencies) -> RegistrationRef:
    now = deps.clock()
    with deps.uow() as work:
        registration = registration_for(work, command, editors_too=False)
        registration.accept_offer(now)
        event = event_for(work, registration.event_id, command.actor)
        announce(work, registration, event, now)
        work.commit()
    return ref_of(command)


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
            occupancy = work.views.registrations.occupancy(event.id)
            registration.lapse_offer(now)
            if registration.has_new_events:
                freed = occupancy.moved(registration.mode, registration.quotas, -1)
                offer_freed(work, deps, event, registration.mode, freed)
            work.commit()
    return len(lapsed)


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
            person_id=None if everyone else query.actor.require_subject(),
            state=query.state,
            size=query.page_size,
            offset=query.offset,
        )


def get_my_calendar(query: GetMyCalendar, deps: EventsDependencies) -> CalendarFile:
    """The caller's calendar, and the private address of the same feed for calendar apps."""
    person, now = query.actor.require_subject(), deps.clock()
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


def cancel_and_offer(
    work: Work, deps: EventsDependencies, registration: Registration, reason: str
) -> Event:
    """Cancel; a place it held goes on to the people waiting. The registration's event."""
    held = registration.holds_place
    event = work.repository(Event).get(registration.event_id)
    occupancy = work.views.registrations.occupancy(event.id)
    registration.cancel(reason)
    if held:
        freed = occupancy.moved(registration.mode, registration.quotas, -1)
        offer_freed(work, deps, event, registration.mode, freed)
    return event


def offer_freed(
    work: Work, deps: EventsDependencies, event: Event, mode: Mode, occupancy: Occupancy
) -> Occupancy:
    """Offer the places of ``mode`` now free, for a while, to the people waiting: first come
    first served among those whose quotas have a place too (the others wait on). The
    occupancy after the offers."""
    now = deps.clock()
    expires_at = now + deps.offer_hold
    for waiting_id, quotas in work.views.registrations.waiting(event.id, mode):
        if occupancy.taken_of(mode) >= event.places(mode):
            break
        if event.full_for(mode, quotas, occupancy) is None:
            waiting = work.repository(Registration).get(waiting_id)
            waiting.offer(expires_at)
            publish_about(work, waiting, integration.place_offered(waiting, event, expires_at, now))
            occupancy = occupancy.moved(mode, quotas, +1)
    return occupancy


def announce(work: Work, registration: Registration, event: Event, now: datetime) -> None:
    """RegistrationConfirmed or RegistrationWaitlisted for the state just reached."""
    if registration.state is RegistrationState.CONFIRMED:
        publish_about(work, registration, integration.confirmed(registration, event, now))
    elif registration.state is RegistrationState.WAITLISTED:
        publish_about(work, registration, integration.waitlisted(registration, event, now))


def publish_about(work: Work, registration: Registration, message: Any) -> None:
    work.publish(message, subject=registration.person_id)


def seen_event(
    work: Work, deps: EventsDependencies, event_id: str, version: int | None, actor: Actor
) -> Event:
    """The event as ``event_for`` finds it, without loading its stream again while the read
    model's ``version`` is the one loaded last (``SeenEvents``)."""
    event = deps.seen_events.get(event_id, version)
    if event is None or not (event.published or actor.is_editor):
        event = event_for(work, event_id, actor)
        deps.seen_events.keep(event)
    return event


def event_for(work: Work, event_id: str, actor: Actor) -> Event:
    """The event; a draft is NOT_FOUND except to editors."""
    event = work.repository(Event).find(event_id)
    if event is None or not (event.published or actor.is_editor):
        raise EventNotFound(f"event {event_id!r} does not exist")
    return event


def registration_for(
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


def ref_of(command: RegistrationCommand) -> RegistrationRef:
    return RegistrationRef(command.event_id, command.registration_id)
