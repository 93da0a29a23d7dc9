"""A Meet & Match: time slots and tables, meeting requests, and the schedule.

Participants come from the events service (RegistrationConfirmed / RegistrationCancelled
of kind ``meet_and_match``); matching keeps them, with their availability, as a read model.
A meeting request is its own aggregate (requested → accepted / declined by the other side;
cancelled when either leaves), so forgetting a person touches only their streams. The
event's aggregate names no one: its slots, tables and placements (meeting ids). The
schedule is proposed (preliminary) any number of times, then published, which locks it.
A published schedule is only changed by re-planning: a new version, published at once,
that keeps every meeting still possible where it was.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, RuleViolation

# Meeting requests one person may send for one Meet & Match.
REQUEST_CAP = 20


class SlotTime(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    starts_at: datetime
    ends_at: datetime


class Placed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    meeting_id: str
    slot: int
    table: int


class MeetAndMatchOpened(DomainEvent):
    title: str
    starts_at: datetime


class Travel(BaseModel):
    """Minutes to walk between two buildings (either way)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    here: str
    there: str
    minutes: float


class SlotsConfigured(DomainEvent):
    slots: tuple[SlotTime, ...]
    tables: tuple[str, ...]
    # Per table its building ("" for all: one place); travel between buildings.
    buildings: tuple[str, ...] = ()
    travel: tuple[Travel, ...] = ()


class ScheduleProposed(DomainEvent):
    placements: tuple[Placed, ...]
    bound: float


class SchedulePublished(DomainEvent):
    pass


class ScheduleReplanned(DomainEvent):
    """A new version of a published schedule, published at once; slots and tables withdrawn
    keep their indexes (so placements keep meaning) and are never used again."""

    placements: tuple[Placed, ...]
    bound: float
    version: int
    withdrawn_slots: tuple[int, ...]
    withdrawn_tables: tuple[int, ...]


class MeetAndMatchNotFound(NotFound):
    """No Meet & Match has this id."""


class ScheduleLocked(RuleViolation):
    """A published schedule is locked: it is not scheduled again."""


class NoSlots(RuleViolation):
    """The organisers have not defined slots and tables yet."""


class NotPublished(RuleViolation):
    """Only a published schedule is re-planned (before that, schedule it again)."""


class SlotsPlanned(DomainEvent):
    """The events service handed over the event's timetable as meeting slots (used while
    the organisers have configured none of their own)."""

    slots: tuple[SlotTime, ...]


class MeetAndMatch(Aggregate):
    """Invariant: a locked schedule changes only by re-planning, one version at a time."""

    stream_prefix = "meetandmatch"

    title: str
    starts_at: datetime
    slots: tuple[SlotTime, ...]
    tables: tuple[str, ...]
    buildings: tuple[str, ...]
    travel: tuple[Travel, ...]
    placements: tuple[Placed, ...]
    locked: bool
    schedule_version: int
    withdrawn_slots: tuple[int, ...]
    withdrawn_tables: tuple[int, ...]
    # Whether the slots are the events service's timetable (replaced by a later one) rather
    # than the organisers' own (kept).
    slots_planned: bool

    @classmethod
    def open(cls, id: str, title: str, starts_at: datetime) -> Self:
        event = cls(id)
        event.record(MeetAndMatchOpened(title=title, starts_at=starts_at))
        return event

    def configure(
        self,
        slots: tuple[SlotTime, ...],
        tables: tuple[str, ...],
        buildings: tuple[str, ...] = (),
        travel: tuple[Travel, ...] = (),
    ) -> None:
        self._require_unlocked()
        self.record(SlotsConfigured(slots=slots, tables=tables, buildings=buildings, travel=travel))

    def plan_slots(self, slots: tuple[SlotTime, ...]) -> None:
        """The events service's timetable, taken only while the organisers have configured
        no slots and the schedule is not locked; otherwise nothing changes."""
        if self.locked or (self.slots and not self.slots_planned) or slots == self.slots:
            return
        self.record(SlotsPlanned(slots=slots))

    def propose_schedule(self, placements: tuple[Placed, ...], bound: float) -> None:
        self._require_unlocked()
        if not self.slots or not self.tables:
            raise NoSlots(f"Meet & Match {self.id!r} has no slots or tables yet")
        self.record(ScheduleProposed(placements=placements, bound=bound))

    def publish_schedule(self) -> None:
        self._require_unlocked()
        self.record(SchedulePublished())

    def replan(
        self,
        placements: tuple[Placed, ...],
        bound: float,
        withdrawn_slots: tuple[int, ...],
        withdrawn_tables: tuple[int, ...],
    ) -> None:
        if not self.locked:
            raise NotPublished(f"the schedule of {self.id!r} is not published: schedule it")
        self.record(
            ScheduleReplanned(
                placements=placements,
                bound=bound,
                version=self.schedule_version + 1,
                withdrawn_slots=tuple(sorted(set(withdrawn_slots))),
                withdrawn_tables=tuple(sorted(set(withdrawn_tables))),
            )
        )

    def building(self, table: int) -> str:
        return self.buildings[table] if self.buildings else ""

    def _require_unlocked(self) -> None:
        if self.locked:
            raise ScheduleLocked(f"the schedule of {self.id!r} is published and locked")

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: MeetAndMatchOpened) -> None:
        self.title, self.starts_at = event.title, event.starts_at
        self.slots, self.tables, self.placements, self.locked = (), (), (), False
        self.buildings, self.travel, self.schedule_version = (), (), 0
        self.withdrawn_slots, self.withdrawn_tables = (), ()
        self.slots_planned = False

    @apply.register
    def _(self, event: SlotsPlanned) -> None:
        self.slots, self.slots_planned = event.slots, True

    @apply.register
    def _(self, event: SlotsConfigured) -> None:
        self.slots, self.tables, self.slots_planned = event.slots, event.tables, False
        self.buildings, self.travel = event.buildings, event.travel

    @apply.register
    def _(self, event: ScheduleProposed) -> None:
        self.placements = event.placements

    @apply.register
    def _(self, event: SchedulePublished) -> None:
        self.locked, self.schedule_version = True, 1

    @apply.register
    def _(self, event: ScheduleReplanned) -> None:
        self.placements, self.schedule_version = event.placements, event.version
        self.withdrawn_slots, self.withdrawn_tables = event.withdrawn_slots, event.withdrawn_tables


class MeetingState(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class MeetingRequested(DomainEvent):
    event_id: str
    from_id: str
    to_id: str
    message: str
    # A delegation's visit to a policy contact: from_id is the delegation, to_id the contact.
    visit: bool = False


class MeetingAnswered(DomainEvent):
    accepted: bool


class MeetingCancelled(DomainEvent):
    pass


class MeetingErased(DomainEvent):
    """One side was forgotten: their id and the message go."""

    side: Literal["from", "to"]


class MeetingNotFound(NotFound):
    """No meeting request has this id, or the caller is not its recipient."""


class NotAParticipant(RuleViolation):
    """Only registered participants request and hold meetings."""


class CapReached(RuleViolation):
    """The person sent as many meeting requests as allowed."""


class MeetingRequest(Aggregate):
    stream_prefix = "meeting"

    event_id: str
    from_id: str
    to_id: str
    state: MeetingState
    visit: bool

    @classmethod
    def request(cls, id: str, event_id: str, from_id: str, to_id: str, message: str) -> Self:
        meeting = cls(id)
        meeting.record(
            MeetingRequested(event_id=event_id, from_id=from_id, to_id=to_id, message=message)
        )
        return meeting

    @classmethod
    def book_visit(cls, id: str, event_id: str, delegation_id: str, contact_id: str) -> Self:
        """Organisers book it with the contact's office: accepted from the start."""
        meeting = cls(id)
        meeting.record(
            MeetingRequested(
                event_id=event_id, from_id=delegation_id, to_id=contact_id, message="", visit=True
            )
        )
        meeting.record(MeetingAnswered(accepted=True))
        return meeting

    def answer(self, person_id: str, accepted: bool) -> None:
        """By the recipient; answering the same way again changes nothing."""
        if not person_id or person_id != self.to_id or self.state is MeetingState.CANCELLED:
            raise MeetingNotFound(f"meeting {self.id!r} does not exist")
        wanted = MeetingState.ACCEPTED if accepted else MeetingState.DECLINED
        if self.state is not wanted:
            self.record(MeetingAnswered(accepted=accepted))

    def cancel(self) -> None:
        if self.state is not MeetingState.CANCELLED:
            self.record(MeetingCancelled())

    def erase(self, person_id: str) -> None:
        self.record(MeetingErased(side="from" if person_id == self.from_id else "to"))

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: MeetingRequested) -> None:
        self.event_id, self.from_id, self.to_id = event.event_id, event.from_id, event.to_id
        self.state, self.visit = MeetingState.REQUESTED, event.visit

    @apply.register
    def _(self, event: MeetingAnswered) -> None:
        self.state = MeetingState.ACCEPTED if event.accepted else MeetingState.DECLINED

    @apply.register
    def _(self, event: MeetingCancelled) -> None:
        self.state = MeetingState.CANCELLED

    @apply.register
    def _(self, event: MeetingErased) -> None:
        if event.side == "from":
            self.from_id = ""
        else:
            self.to_id = ""
        self.state = MeetingState.CANCELLED
