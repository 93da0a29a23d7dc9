"""In-memory twins of the events service's views, and its dependencies built on them.

Handler unit tests run on ``ecbm_runtime.in_memory``. Projections do not run in memory, so
these views rebuild the aggregates from the committed events when asked.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from ecbm_events.adapters.contributions.views import ContributionPage, ContributionView
from ecbm_events.adapters.programme.views import EventPage, EventView
from ecbm_events.adapters.registrations.views import (
    CertificateRecord,
    RegistrationPage,
    RegistrationView,
)
from ecbm_events.adapters.views import EventsViews
from ecbm_events.application.dependencies import EventsDependencies
from ecbm_events.application.programme.commands import CreateEvent, PublishEvent
from ecbm_events.application.registrations.commands import RegisterForEvent
from ecbm_events.application.registrations.tickets import TicketSigner
from ecbm_events.bootstrap import AREA
from ecbm_events.domain.contribution import Contribution
from ecbm_events.domain.event import Event, EventKind, Reminder
from ecbm_events.domain.materials import Material
from ecbm_events.domain.places import Mode, Occupancy
from ecbm_events.domain.registration import HOLDS_PLACE, Registration, RegistrationState
from ecbm_runtime.actor import Actor
from ecbm_runtime.aggregate import Aggregate
from ecbm_runtime.context import MessageContext
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.in_memory import InMemoryRecords, fixed_views, in_memory_units_of_work
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.messagebus import MessageBus

KEY = "unit-test-ticket-key-0123456789abcdef"
START = datetime(2030, 4, 1, 8, 0, tzinfo=UTC)
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
WIRING = AREA.event_wiring("events")
EDITOR = Actor(subject="ed", roles=frozenset({"editor"}))
A = TypeVar("A", bound=Aggregate)
_event_ids = itertools.count(1)


def member(person_id: str) -> Actor:
    return Actor(subject=person_id, roles=frozenset({"member"}))


def delivered(event: object) -> MessageContext:
    """The context of ``event`` delivered to the worker, with a new event id."""
    event_id = f"e{next(_event_ids)}"
    delivery = Delivery(handler=f"events.{type(event).__name__}", event_id=event_id)
    return MessageContext(correlation_id=event_id, causation_id=event_id, delivery=delivery)


def _streams(records: InMemoryRecords, cls: type[A]) -> dict[str, tuple[A, list[StoredEvent]]]:
    codec = WIRING.codec.bound_to(None)
    prefix = f"{cls.stream_prefix}-"
    streams: dict[str, list[StoredEvent]] = {}
    for stored in records.events:
        if stored.stream_id.startswith(prefix):
            streams.setdefault(stored.stream_id.removeprefix(prefix), []).append(stored)
    return {
        id: (cls.rebuild(id, (codec.decode(s) for s in history)), history)
        for id, history in streams.items()
    }


class FakeProgramme:
    def __init__(self, records: InMemoryRecords) -> None:
        self._records = records

    def event(self, event_id: str) -> EventView | None:
        found = self.events([event_id])
        return found[0] if found else None

    def events(self, event_ids: list[str]) -> list[EventView]:
        views = []
        for id, (event, history) in _streams(self._records, Event).items():
            if id in event_ids:
                views.append(
                    EventView(
                        id=id,
                        details=event.details,
                        sessions=event.sessions,
                        state="published" if event.published else "draft",
                        version=event.version,
                        create_time=history[0].recorded_at,
                        update_time=history[-1].recorded_at,
                    )
                )
        return sorted(views, key=lambda v: v.details.starts_at)

    def page(
        self, *, drafts: bool, kind: EventKind | None, series: str, size: int, offset: int
    ) -> EventPage:
        every = self.events(list(_streams(self._records, Event)))
        chosen = [e for e in every if (drafts or e.published) and kind in (None, e.details.kind)]
        rest = chosen[offset : offset + size]
        next_offset = offset + size if len(chosen) > offset + size else None
        return EventPage(rest, next_offset, len(chosen))


class FakeProgrammeReminders(FakeProgramme):
    def materials(self, event_id: str) -> list[Material]:
        return list(_streams(self._records, Event)[event_id][0].materials)

    def due_reminders(
        self,
        now: datetime,
        days_before: timedelta,
        hours_before: timedelta,
        after_within: timedelta,
    ) -> list[tuple[str, Reminder]]:
        due: list[tuple[str, Reminder]] = []
        for id, (event, _) in _streams(self._records, Event).items():
            d = event.details
            windows: dict[Reminder, bool] = {
                "days_before": d.starts_at - days_before <= now < d.starts_at,
                "hours_before": d.starts_at - hours_before <= now < d.starts_at,
                "after": d.ends_at <= now < d.ends_at + after_within,
            }
            due += [
                (id, reminder)
                for reminder, open_ in windows.items()
                if open_ and event.published and reminder not in event.reminded
            ]
        return due


class FakeRegistrations:
    def __init__(self, records: InMemoryRecords) -> None:
        self._records = records

    def _all(self) -> list[RegistrationView]:
        views = []
        for id, (r, history) in _streams(self._records, Registration).items():
            views.append(
                RegistrationView(
                    id=id,
                    event_id=r.event_id,
                    person_id=r.person_id,
                    mode=r.mode,
                    state=r.state,
                    answers=dict(r.answers),
                    ticket_type=r.applicant.ticket_type,
                    country=r.applicant.country,
                    role=r.applicant.role,
                    quotas=r.quotas,
                    waitlist_position=0,
                    offer_expires_at=r.offer_expires_at,
                    reason=r.reason,
                    attended_sessions=tuple(sorted(r.attended)),
                    version=r.version,
                    create_time=history[0].recorded_at,
                    update_time=history[-1].recorded_at,
                )
            )
        return views  # in order of registration: first come first served

    def registration(self, registration_id: str) -> RegistrationView | None:
        return next((r for r in self._all() if r.id == registration_id), None)

    def registrations(self, ids: list[str]) -> dict[str, RegistrationView]:
        return {r.id: r for r in self._all() if r.id in ids}

    def occupancy(self, event_id: str) -> Occupancy:
        taken: dict[Mode, int] = {}
        waiting: dict[Mode, int] = {}
        by_quota: dict[str, int] = {}
        for r in self._all():
            if r.event_id == event_id and r.state in HOLDS_PLACE:
                taken[r.mode] = taken.get(r.mode, 0) + 1
                for quota in r.quotas:
                    by_quota[quota] = by_quota.get(quota, 0) + 1
            elif r.event_id == event_id and r.state is RegistrationState.WAITLISTED:
                waiting[r.mode] = waiting.get(r.mode, 0) + 1
        return Occupancy(taken, waiting, by_quota)

    def admission(
        self, event_id: str, people: list[str]
    ) -> tuple[dict[str, str], Occupancy, int | None]:
        found = {person: self.open_registration_of(event_id, person) for person in people}
        existing = {person: id for person, id in found.items() if id is not None}
        return existing, self.occupancy(event_id), None

    def open_registration_of(self, event_id: str, person_id: str) -> str | None:
        return next(
            (
                r.id
                for r in self._all()
                if r.event_id == event_id and r.person_id == person_id and _open(r)
            ),
            None,
        )

    def waiting(
        self, event_id: str, mode: Mode, limit: int = 1000
    ) -> list[tuple[str, tuple[str, ...]]]:
        queue = [
            (r.id, r.quotas)
            for r in self._all()
            if r.event_id == event_id and r.mode is mode and r.state is RegistrationState.WAITLISTED
        ]
        return queue[:limit]

    def certificate(self, code: str) -> CertificateRecord | None:
        for id, (r, history) in _streams(self._records, Registration).items():
            issued = [e for e in history if e.type == "CertificateIssued"]
            if r.certificate_code == code and issued and r.person_id:
                name = str(issued[0].data["holder_name"])
                return CertificateRecord(code, name, id, r.event_id, issued[0].recorded_at)
        return None

    def answers_to_erase(self, ended_before: datetime, limit: int) -> list[str]:
        events = {id: e for id, (e, _) in _streams(self._records, Event).items()}
        return [
            r.id
            for r in self._all()
            if r.answers and events[r.event_id].details.ends_at < ended_before
        ][:limit]

    def holds_place(self, event_id: str, person_id: str) -> bool:
        return any(
            r.event_id == event_id and r.person_id == person_id and r.state in HOLDS_PLACE
            for r in self._all()
        )

    def holders(self, event_id: str) -> list[tuple[str, str]]:
        return [
            (r.id, r.person_id)
            for r in self._all()
            if r.event_id == event_id and r.state in HOLDS_PLACE and r.person_id
        ]

    def lapsed_offers(self, now: datetime, limit: int) -> list[str]:
        return [
            r.id
            for r in self._all()
            if r.state is RegistrationState.OFFERED
            and r.offer_expires_at
            and r.offer_expires_at <= now
        ][:limit]

    def of_person(self, person_id: str, open_only: bool = False) -> list[RegistrationView]:
        return [r for r in self._all() if r.person_id == person_id and (_open(r) or not open_only)]

    def page(
        self,
        *,
        event_id: str | None,
        person_id: str | None,
        state: RegistrationState | None,
        size: int,
        offset: int,
    ) -> RegistrationPage:
        chosen = [
            r
            for r in self._all()
            if event_id in (None, r.event_id)
            and person_id in (None, r.person_id)
            and state in (None, r.state)
        ]
        next_offset = offset + size if len(chosen) > offset + size else None
        return RegistrationPage(chosen[offset : offset + size], next_offset, len(chosen))


class FakeContributions:
    def __init__(self, records: InMemoryRecords) -> None:
        self._records = records

    def _all(self) -> list[ContributionView]:
        return [
            ContributionView(
                id=id, event_id=c.event_id, person_id=c.person_id, title=c.title,
                abstract=c.abstract, state=c.state, review_note="", session_id=c.session_id,
                version=c.version, create_time=history[0].recorded_at,
                update_time=history[-1].recorded_at,
            )
            for id, (c, history) in _streams(self._records, Contribution).items()
        ]  # fmt: skip

    def contribution(self, contribution_id: str) -> ContributionView | None:
        return next((c for c in self._all() if c.id == contribution_id), None)

    def of_person(self, person_id: str) -> list[str]:
        return [c.id for c in self._all() if c.person_id == person_id]

    def page(
        self, *, event_id: str, person_id: str | None, size: int, offset: int
    ) -> ContributionPage:
        chosen = [
            c for c in self._all() if c.event_id == event_id and person_id in (None, c.person_id)
        ]
        next_offset = offset + size if len(chosen) > offset + size else None
        return ContributionPage(chosen[offset : offset + size], next_offset, len(chosen))


def _open(r: RegistrationView) -> bool:
    return r.state not in (RegistrationState.CANCELLED, RegistrationState.DECLINED)


@dataclass
class FakeViews:
    records: InMemoryRecords
    programme: FakeProgrammeReminders = field(init=False)
    registrations: FakeRegistrations = field(init=False)
    contributions: FakeContributions = field(init=False)

    def __post_init__(self) -> None:
        self.programme = FakeProgrammeReminders(self.records)
        self.registrations = FakeRegistrations(self.records)
        self.contributions = FakeContributions(self.records)


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class InMemoryEvents:
    """The events service's bus on in-memory records, with a clock the test moves."""

    records: InMemoryRecords = field(default_factory=InMemoryRecords)
    clock: Clock = field(default_factory=Clock)
    bus: MessageBus[EventsDependencies] = field(init=False)

    def __post_init__(self) -> None:
        views = cast(EventsViews, FakeViews(self.records))
        deps = EventsDependencies(
            units_of_work=in_memory_units_of_work(self.records, WIRING, views),
            read_views=fixed_views(views),
            tickets=TicketSigner(KEY),
            offer_hold=timedelta(hours=48),
            clock=self.clock,
        )
        self.bus = MessageBus(AREA.handlers, deps)

    def handle(self, message: Any, context: MessageContext | None = None) -> Any:
        return self.bus.handle(message, context or MessageContext())

    def published(self, event_type: str) -> list[dict[str, Any]]:
        """The bodies of the outbox entries of ``event_type``, in order."""
        return [json.loads(entry.body) for entry in self.records.published(event_type)]

    def registration(self, registration_id: str) -> Registration:
        return self.aggregate(Registration, registration_id)

    def aggregate(self, cls: type[A], id: str) -> A:
        """The aggregate as its committed events make it."""
        return _streams(self.records, cls)[id][0]


def an_event(app: InMemoryEvents, places: int = 1, start: datetime = START, **extra: object) -> str:
    fields: dict[str, object] = {
        "actor": EDITOR,
        "kind": "seminar",
        "title": "Mentoring refugees",
        "start_time": start,
        "end_time": start + timedelta(hours=3),
        "on_site_places": places,
        **extra,
    }
    event_id: str = app.handle(CreateEvent.model_validate(fields))
    app.handle(PublishEvent(actor=EDITOR, event_id=event_id))
    return event_id


def register(app: InMemoryEvents, event_id: str, person: str, mode: Mode = Mode.ON_SITE) -> str:
    ref = app.handle(RegisterForEvent(actor=member(person), event_id=event_id, mode=mode))
    return str(ref.registration_id)
