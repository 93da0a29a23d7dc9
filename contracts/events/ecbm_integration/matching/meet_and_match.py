"""Meet & Match changes people must hear about: a cancelled meeting, a re-planned schedule."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from ecbm_integration.fields import DisplayName, OccurredAt, ResourceId
from ecbm_integration.matching.base import MatchingEvent


class MeetingCancelled(MatchingEvent):
    """An accepted Meet & Match meeting was cancelled by the other side (or they left the
    event; a delegation's visit: by the organisers). One event per person told."""

    meeting_id: ResourceId = Field(description="Id of the meeting request.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Who is told: people/{person_id}.")
    title: DisplayName = Field(description="Title of the Meet & Match.")
    occurred_at: OccurredAt = Field(description="When it was cancelled.")
    scheduled: bool = Field(
        default=True,
        description=(
            "True when the meeting was on the person's published agenda; false when it was"
            " accepted but not (yet) on it: the schedule not published, or no room for it."
        ),
    )


class MeetingRescheduled(MatchingEvent):
    """A published schedule was re-planned and this person's meeting changed: moved to
    another slot or table, added, or dropped (no room left). One event per person told;
    meetings the re-plan kept where they were tell no one."""

    meeting_id: ResourceId = Field(description="Id of the meeting request.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Who is told: people/{person_id}.")
    title: DisplayName = Field(description="Title of the Meet & Match.")
    version: int = Field(ge=2, description="Version of the schedule now published (first: 1).")
    change: str = Field(
        pattern=r"^(MOVED|ADDED|DROPPED)$",
        description="MOVED (another slot or table), ADDED (placed now) or DROPPED (no room).",
        examples=["MOVED"],
    )
    old_slot: int = Field(ge=-1, description="Slot index before; -1 when it was not placed.")
    new_slot: int = Field(ge=-1, description="Slot index now; -1 when it is dropped.")
    new_start_time: AwareDatetime | None = Field(
        default=None, description="When the meeting starts now; empty when dropped."
    )
    new_location: str = Field(
        default="", max_length=100, description="Table or room now; empty when dropped."
    )
    occurred_at: OccurredAt = Field(description="When the new version was published.")
