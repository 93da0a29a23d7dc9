"""Meet & Match changes people must hear about once the schedule is published."""

from __future__ import annotations

from pydantic import Field

from ecbm_integration.fields import DisplayName, OccurredAt, ResourceId
from ecbm_integration.matching.base import MatchingEvent


class MeetingCancelled(MatchingEvent):
    """A meeting of a published Meet & Match schedule was cancelled (the other side left)."""

    meeting_id: ResourceId = Field(description="Id of the meeting request.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Who is told: people/{person_id}.")
    title: DisplayName = Field(description="Title of the Meet & Match.")
    occurred_at: OccurredAt = Field(description="When it was cancelled.")
