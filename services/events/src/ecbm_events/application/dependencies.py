"""``EventsDependencies``: what every handler of the events service may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ecbm_events.adapters.views import EventsViews
from ecbm_events.application.registrations.tickets import TicketSigner
from ecbm_events.domain.event import Event
from ecbm_runtime.messagebus import Dependencies

if TYPE_CHECKING:
    from ecbm_events.application.registrations.commands import RegisterForEvent
    from ecbm_events.application.registrations.handlers import RegistrationRef
    from ecbm_runtime.group_commit import GroupCommit


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReminderTimes:
    days_before: timedelta = timedelta(days=7)
    hours_before: timedelta = timedelta(hours=2)
    after_within: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class FeedLinks:
    """Where calendar apps reach the HTTP feeds, and how long a personal feed's link lasts."""

    base_url: str = "http://127.0.0.1:8103"
    valid_for: timedelta = timedelta(days=365)


class SeenEvents:
    """Events as the registering path loaded them, reused while the read model holds the
    same version (one column of the admission statement) instead of loading the event's
    stream on every registration. Exact, not a time-based cache: every event of an event's
    stream updates its listing's version (programme projections). Read only: registering
    never changes the event. Thread-safe as dict reads and writes are."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._events: dict[str, Event] = {}

    def get(self, event_id: str, version: int | None) -> Event | None:
        found = self._events.get(event_id)
        return found if found is not None and found.version == version else None

    def keep(self, event: Event) -> None:
        if len(self._events) >= self._size:
            self._events.clear()
        self._events[event.id] = event


@dataclass(frozen=True, kw_only=True)
class EventsDependencies(Dependencies[EventsViews]):
    # Signs and checks check-in tokens and join links (its own key, never the JWT's).
    tickets: TicketSigner
    # How long a freed place is held for the next person waiting.
    offer_hold: timedelta = timedelta(hours=48)
    # Tickets stay valid this long after the event ends.
    ticket_grace: timedelta = timedelta(hours=12)
    # When reminders go out: before the start, and how late after the end.
    reminders: ReminderTimes = field(default_factory=lambda: ReminderTimes())
    feeds: FeedLinks = field(default_factory=lambda: FeedLinks())
    # Registration answers are deleted this long after their event ended.
    answers_retention: timedelta = timedelta(days=90)
    clock: Callable[[], datetime] = field(default=utc_now)
    seen_events: SeenEvents = field(default_factory=SeenEvents)
    # The api's desk that saves registrations arriving together as one group
    # (ecbm_runtime.group_commit); None: each registers alone (workers, tests, scripts).
    registration_groups: GroupCommit[RegisterForEvent, RegistrationRef] | None = None
