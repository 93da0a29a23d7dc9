"""Events and their timetable; the admission rule that keeps every event from overbooking.

Places are counted per mode (on site, online) and per quota (``places``). The counts come
from the places counters, whose check constraint turns a decision raced by another
registration into a retry (see ``application.registrations``), so this aggregate's
stream stays small: it holds the event, not one entry per registrant.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict

from ecbm_events.domain.materials import Material, MaterialPublished
from ecbm_events.domain.places import (
    Applicant,
    Mode,
    Occupancy,
    PlacesTaken,
    Quota,
    QuotaFull,
    below_taken,
    check_quotas,
    mode_words,
    unknown_quotas,
)
from ecbm_events.domain.times import shown
from ecbm_events.domain.timetable import Slot, check_slot
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import FieldViolation, InvalidArgument, NotFound, RuleViolation


class EventKind(StrEnum):
    WEBINAR = "webinar"
    SEMINAR = "seminar"
    SHORT_COURSE = "short_course"
    SUMMIT = "summit"
    MEET_AND_MATCH = "meet_and_match"


class Admission(StrEnum):
    """What a registration (or its approval) is admitted as."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class EventDetails(BaseModel):
    """What an organiser decides about an event; times are UTC."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: EventKind
    title: str
    description: str = ""
    time_zone: str
    starts_at: datetime
    ends_at: datetime
    venue: str = ""
    on_site_places: int = 0
    online_places: int = 0
    waiting_list: bool = False
    moderated: bool = False
    registration_closes_at: datetime | None = None
    series: str = ""
    # The series resource (``Series``) it belongs to; "" for none.
    series_id: str = ""
    stream_url: str = ""
    ticket_types: tuple[str, ...] = ()
    quotas: tuple[Quota, ...] = ()


class EventScheduled(DomainEvent):
    details: EventDetails
    sessions: tuple[Slot, ...] = ()


class EventPublished(DomainEvent):
    pass


class SessionAdded(DomainEvent):
    session: Slot


class PlacesChanged(DomainEvent):
    """The organisers changed the places on site, online and of quotas (all as now)."""

    on_site_places: int
    online_places: int
    quota_places: dict[str, int] = {}


class SeriesChosen(DomainEvent):
    """The organisers put the event in a series (``series_id``, with its title as the
    ``series`` label) or took it out of one (both "")."""

    series_id: str
    series: str


Reminder = Literal["days_before", "hours_before", "after"]


class RemindersSent(DomainEvent):
    """Registrants were reminded (once per event and reminder)."""

    reminder: Reminder


class EventNotFound(NotFound):
    """No event has this id (or the caller may not see it)."""


class AlreadyPublished(RuleViolation):
    """The event is published already."""


class RegistrationNotOpen(RuleViolation):
    """The event is not published, so nobody can register yet."""


class RegistrationClosed(RuleViolation):
    """Registration for the event has closed."""


class NoPlacesOfThisMode(RuleViolation):
    """The event has no places of the mode asked for (an online-only webinar on site)."""


class EventFull(RuleViolation):
    """Every place of the mode is taken and the event keeps no waiting list."""


class Event(Aggregate):
    """An event with its timetable.

    Invariants: it ends after it starts; sessions lie within it and never overlap in one
    room; registrations are admitted only while published and open, and a place is
    confirmed only while one of its mode is free (``admit``).
    """

    stream_prefix = "event"

    details: EventDetails
    sessions: tuple[Slot, ...]
    published: bool
    reminded: frozenset[str]
    materials: tuple[Material, ...]

    @classmethod
    def schedule(cls, id: str, details: EventDetails, sessions: tuple[Slot, ...] = ()) -> Self:
        if details.ends_at <= details.starts_at:
            raise InvalidArgument(FieldViolation("event.end_time", "must be after the start"))
        closes = details.registration_closes_at
        if closes is not None and closes > details.ends_at:
            raise InvalidArgument(
                FieldViolation("event.registration_close_time", "must not be after the end")
            )
        for index, slot in enumerate(sessions):
            check_slot(details, sessions[:index], slot, f"event.sessions[{index}]")
        check_quotas(details.quotas, details.ticket_types, lambda mode: _places(details, mode))
        event = cls(id)
        event.record(EventScheduled(details=details, sessions=sessions))
        return event

    def publish(self) -> None:
        if self.published:
            raise AlreadyPublished(f"event {self.id!r} is published already")
        self.record(EventPublished())

    def add_session(self, slot: Slot) -> None:
        check_slot(self.details, self.sessions, slot, "session")
        self.record(SessionAdded(session=slot))

    def choose_series(self, series_id: str, label: str) -> None:
        """Records a change only when the series changes."""
        if series_id != self.details.series_id:
            self.record(SeriesChosen(series_id=series_id, series=label))

    def places(self, mode: Mode) -> int:
        return _places(self.details, mode)

    @property
    def closes_at(self) -> datetime:
        return self.details.registration_closes_at or self.details.starts_at

    def quotas_of(self, mode: Mode, applicant: Applicant) -> tuple[str, ...]:
        """The quotas a registration falls under; its ticket type must be one on offer."""
        offered = self.details.ticket_types
        if offered and applicant.ticket_type not in offered:
            raise InvalidArgument(
                FieldViolation("registration.ticket_type", f"must be one of {', '.join(offered)}")
            )
        covering = [q for q in self.details.quotas if q.mode in (None, mode)]
        needed = {
            "country": any(q.countries for q in covering),
            "role": any(q.roles for q in covering),
        }
        for name, is_needed in needed.items():
            if is_needed and not getattr(applicant, name):
                raise InvalidArgument(
                    FieldViolation(f"registration.{name}", "required: this event's quotas count it")
                )
        return tuple(q.name for q in covering if q.covers(mode, applicant))

    def admit(
        self, mode: Mode, quotas: tuple[str, ...], occupancy: Occupancy, now: datetime
    ) -> Admission:
        """How a new registration of ``mode`` under ``quotas`` is admitted now, or why not."""
        if not self.published:
            raise RegistrationNotOpen(f"event {self.id!r} is not open for registration yet")
        if now >= self.closes_at:
            closed = shown(self.closes_at, self.details.time_zone)
            raise RegistrationClosed(f"registration for this event closed at {closed}")
        if self.places(mode) == 0:
            raise NoPlacesOfThisMode(f"this event has no {mode_words(mode)} places")
        if self.details.moderated:
            return Admission.PENDING
        return self.place_for(mode, quotas, occupancy)

    def place_for(self, mode: Mode, quotas: tuple[str, ...], occupancy: Occupancy) -> Admission:
        """Confirmed while a place of ``mode`` and of each quota is free; else waitlisted,
        or EventFull / QuotaFull naming what is full."""
        full = self.full_for(mode, quotas, occupancy)
        if full is None:
            return Admission.CONFIRMED
        if self.details.waiting_list:
            return Admission.WAITLISTED
        if isinstance(full, Quota):
            raise QuotaFull(
                f"quota {full.name!r} is full: all {full.places} places are taken and this "
                "event keeps no waiting list"
            )
        raise EventFull(
            f"all {self.places(mode)} {mode_words(mode)} places are taken and this event "
            "keeps no waiting list"
        )

    def full_for(
        self, mode: Mode, quotas: tuple[str, ...], occupancy: Occupancy
    ) -> Mode | Quota | None:
        """What has no place left for a registration of ``mode`` under ``quotas``, if any."""
        if occupancy.taken_of(mode) >= self.places(mode):
            return mode
        return next(
            (
                q
                for q in self.details.quotas
                if q.name in quotas and occupancy.quota_taken_of(q.name) >= q.places
            ),
            None,
        )

    def change_places(
        self,
        on_site: int | None,
        online: int | None,
        quotas: tuple[tuple[str, int], ...],
        occupancy: Occupancy,
    ) -> bool:
        """New limits (None: as they are; quotas by name); False if nothing changes.

        Never below what ``occupancy`` has taken (``PlacesTaken`` naming each field): no
        confirmed place is taken away. The places counters' check constraint refuses it
        too, if a registration took a place after ``occupancy`` was read.
        """
        d = self.details
        unknown_quotas(d.quotas, quotas)
        sizes = {q.name: q.places for q in d.quotas} | dict(quotas)
        on_site = d.on_site_places if on_site is None else on_site
        changed = _with_places(d, on_site, d.online_places if online is None else online, sizes)
        check_quotas(changed.quotas, changed.ticket_types, lambda mode: _places(changed, mode))
        short = below_taken(changed.on_site_places, changed.online_places, quotas, occupancy)
        if short:
            raise PlacesTaken("; ".join(f"{v.field}: {v.description}" for v in short), fields=short)
        if changed == d:
            return False
        self.record(
            PlacesChanged(
                on_site_places=changed.on_site_places,
                online_places=changed.online_places,
                quota_places=sizes,
            )
        )
        return True

    def remind(self, reminder: Reminder) -> bool:
        """Record that ``reminder`` goes out now; False if it went out already."""
        if not self.published or reminder in self.reminded:
            return False
        self.record(RemindersSent(reminder=reminder))
        return True

    def session(self, session_id: str) -> Slot | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    def publish_material(self, material: Material) -> None:
        """A recording or material of the event, or of one of its sessions."""
        if material.session_id and self.session(material.session_id) is None:
            raise InvalidArgument(
                FieldViolation(
                    "material.session_id", f"this event has no session {material.session_id!r}"
                )
            )
        self.record(MaterialPublished(material=material))

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: EventScheduled) -> None:
        self.details, self.sessions, self.published = event.details, event.sessions, False
        self.reminded, self.materials = frozenset(), ()

    @apply.register
    def _(self, event: MaterialPublished) -> None:
        self.materials = (*self.materials, event.material)

    @apply.register
    def _(self, event: PlacesChanged) -> None:
        self.details = _with_places(
            self.details, event.on_site_places, event.online_places, event.quota_places
        )

    @apply.register
    def _(self, event: SeriesChosen) -> None:
        self.details = self.details.model_copy(
            update={"series_id": event.series_id, "series": event.series}
        )

    @apply.register
    def _(self, event: EventPublished) -> None:
        self.published = True

    @apply.register
    def _(self, event: RemindersSent) -> None:
        self.reminded = self.reminded | {event.reminder}

    @apply.register
    def _(self, event: SessionAdded) -> None:
        self.sessions = tuple(sorted((*self.sessions, event.session), key=lambda s: s.starts_at))


def _with_places(
    details: EventDetails, on_site: int, online: int, quota_places: dict[str, int]
) -> EventDetails:
    quotas = tuple(
        q.model_copy(update={"places": quota_places.get(q.name, q.places)}) for q in details.quotas
    )
    update = {"on_site_places": on_site, "online_places": online, "quotas": quotas}
    return details.model_copy(update=update)


def _places(details: EventDetails, mode: Mode) -> int:
    return details.on_site_places if mode is Mode.ON_SITE else details.online_places
