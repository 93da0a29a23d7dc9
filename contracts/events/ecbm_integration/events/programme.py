"""The events service's programme as others see it: published events, accepted talks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ecbm_integration.events.base import EventsServiceEvent
from ecbm_integration.fields import DisplayName, OccurredAt, ResourceId

EventKind = Literal["webinar", "seminar", "short_course", "summit", "meet_and_match"]


class EventPublished(EventsServiceEvent):
    """An event was published: it is listed and open for registration (events/{event_id})."""

    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    kind: EventKind = Field(description="Kind of event.", examples=["webinar"])
    title: DisplayName = Field(description="Title of the event.")
    starts_at: OccurredAt = Field(description="When the event starts.")
    ends_at: OccurredAt = Field(description="When the event ends.")
    time_zone: str = Field(
        max_length=64, description="IANA time zone of the event.", examples=["Europe/Brussels"]
    )
    on_site_places: int = Field(ge=0, description="Places in the room (0: none).")
    online_places: int = Field(ge=0, description="Places online (0: none).")
    occurred_at: OccurredAt = Field(description="When the event was published.")


class ContributionAccepted(EventsServiceEvent):
    """Editors accepted a proposed session (a talk, a webinar); it joins the timetable."""

    contribution_id: ResourceId = Field(description="Id of the proposal.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the proposer: people/{person_id}.")
    title: DisplayName = Field(description="Title of the contribution.")
    occurred_at: OccurredAt = Field(description="When it was accepted.")


class MeetingSlot(BaseModel):
    """One meeting slot of a Meet & Match (a session of its timetable)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    starts_at: OccurredAt = Field(description="When the slot starts.")
    ends_at: OccurredAt = Field(description="When the slot ends.")


class MeetAndMatchSlotsPlanned(EventsServiceEvent):
    """A published Meet & Match's timetable as meeting slots, handed to matching's
    scheduler: events publishes it when the Meet & Match is published with sessions and
    whenever a session is added after; matching consumes it and takes the slots while its
    organisers have not configured slots of their own (ConfigureMeetAndMatch wins). Each
    message carries the whole timetable, so the last one received holds."""

    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    title: DisplayName = Field(description="Title of the event.")
    starts_at: OccurredAt = Field(description="When the event starts.")
    slots: list[MeetingSlot] = Field(
        max_length=200, description="The meeting slots, by start time."
    )
    occurred_at: OccurredAt = Field(description="When the timetable was handed over.")
