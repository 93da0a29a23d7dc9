"""The timetable: sessions of an event, within it, never two in one room at once."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from ecbm_events.domain.times import shown
from ecbm_runtime.errors import FieldViolation, InvalidArgument


class Within(Protocol):
    """What a session must lie within: the event's times and zone."""

    @property
    def time_zone(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...


class Slot(BaseModel):
    """One session of the timetable; ``room`` empty: online only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str = ""
    online: bool = False
    speakers: tuple[str, ...] = ()
    abstract: str = ""


def check_slot(event: Within, others: tuple[Slot, ...], slot: Slot, field: str) -> None:
    """A session ends after it starts, lies within the event, and shares no room-time."""
    zone = event.time_zone
    if slot.ends_at <= slot.starts_at:
        raise InvalidArgument(FieldViolation(f"{field}.end_time", "must be after the start"))
    if slot.starts_at < event.starts_at or slot.ends_at > event.ends_at:
        raise InvalidArgument(
            FieldViolation(
                field,
                f"session {slot.title!r} lies outside the event "
                f"({shown(event.starts_at, zone)} to {shown(event.ends_at, zone)})",
            )
        )
    for other in others:
        same_room = slot.room and other.room == slot.room
        if same_room and slot.starts_at < other.ends_at and other.starts_at < slot.ends_at:
            raise InvalidArgument(
                FieldViolation(
                    field,
                    f"session {slot.title!r} ({_span(slot, zone)}) overlaps session "
                    f"{other.title!r} ({_span(other, zone)}) in room {slot.room!r}",
                )
            )


def _span(slot: Slot, zone: str) -> str:
    return f"{shown(slot.starts_at, zone)} to {shown(slot.ends_at, zone)}"
