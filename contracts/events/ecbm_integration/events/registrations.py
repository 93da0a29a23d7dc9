"""Registrations for events, as others see them: places, waiting lists, attendance.

Every event names the registrant (``person_id``); on registry's PersonForgotten the events
service erases what it holds and unpublished messages about the person are dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ecbm_integration.events.base import EventsServiceEvent
from ecbm_integration.events.programme import EventKind
from ecbm_integration.fields import DisplayName, OccurredAt, ResourceId

ParticipationMode = Literal["on_site", "online"]


class Material(BaseModel):
    """A recording or material published for an event or one of its sessions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: DisplayName = Field(description="What it is, e.g. 'Recording' or 'Slides'.")
    url: str = Field(min_length=1, max_length=2000, description="Where to find it.")
    session_id: str = Field(default="", max_length=64, description="Its session; empty: the event.")


class RegistrationConfirmed(EventsServiceEvent):
    """A registration holds a place (registered, approved, or an offered place taken)."""

    registration_id: ResourceId = Field(
        description="Id of the registration: events/{event_id}/registrations/{registration_id}."
    )
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the registrant: people/{person_id}.")
    kind: EventKind = Field(description="Kind of the event.", examples=["seminar"])
    title: DisplayName = Field(description="Title of the event.")
    mode: ParticipationMode = Field(description="On site or online.", examples=["online"])
    starts_at: OccurredAt = Field(description="When the event starts.")
    occurred_at: OccurredAt = Field(description="When the place was confirmed.")


class RegistrationCancelled(EventsServiceEvent):
    """A registration was cancelled (by the registrant or an organiser): the place is free.

    Matching drops the person from a Meet & Match's participants and schedule.
    """

    registration_id: ResourceId = Field(description="Id of the registration.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the registrant: people/{person_id}.")
    kind: EventKind = Field(description="Kind of the event.", examples=["meet_and_match"])
    title: str = Field(
        default="", max_length=200, description="Title of the event (empty from older producers)."
    )
    occurred_at: OccurredAt = Field(description="When it was cancelled.")


class RegistrationWaitlisted(EventsServiceEvent):
    """A registration joined the waiting list: the event is full for its mode."""

    registration_id: ResourceId = Field(description="Id of the registration.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the registrant: people/{person_id}.")
    mode: ParticipationMode = Field(description="On site or online.", examples=["on_site"])
    title: str = Field(
        default="", max_length=200, description="Title of the event (empty from older producers)."
    )
    occurred_at: OccurredAt = Field(description="When it was waitlisted.")


class PlaceOffered(EventsServiceEvent):
    """A freed place is held for the next person waiting, until ``expires_at``."""

    registration_id: ResourceId = Field(description="Id of the registration.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the registrant: people/{person_id}.")
    mode: ParticipationMode = Field(description="On site or online.", examples=["on_site"])
    expires_at: OccurredAt = Field(description="Until when the place is held.")
    title: str = Field(
        default="", max_length=200, description="Title of the event (empty from older producers)."
    )
    occurred_at: OccurredAt = Field(description="When the place was offered.")


class ReminderDue(EventsServiceEvent):
    """Time to remind a registrant: days or hours before the event, or after it."""

    registration_id: ResourceId = Field(description="Id of the registration.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the registrant: people/{person_id}.")
    title: DisplayName = Field(description="Title of the event.")
    reminder: Literal["days_before", "hours_before", "after"] = Field(
        description="Which reminder: before the event, or the feedback survey after it."
    )
    starts_at: OccurredAt = Field(description="When the event starts.")
    materials: list[Material] = Field(
        default_factory=list,
        max_length=50,
        description="Recordings and materials published for the event (the reminder after it).",
    )
    occurred_at: OccurredAt = Field(description="When the reminder fell due.")


class MaterialsPublished(EventsServiceEvent):
    """Recordings or materials published after the reminder after the event went out (which
    listed those published by then): one per person holding a place, once per material."""

    registration_id: ResourceId = Field(description="Id of the registration.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the registrant: people/{person_id}.")
    title: DisplayName = Field(description="Title of the event.")
    materials: list[Material] = Field(
        min_length=1, max_length=50, description="The recordings and materials just published."
    )
    occurred_at: OccurredAt = Field(description="When they were published.")


class AttendanceRecorded(EventsServiceEvent):
    """A registrant attended: checked in at the door or joined online."""

    registration_id: ResourceId = Field(description="Id of the registration.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the registrant: people/{person_id}.")
    session_id: str = Field(
        default="", max_length=64, description="Session attended; empty: the event as a whole."
    )
    via: Literal["check_in", "online"] = Field(description="How attendance was verified.")
    occurred_at: OccurredAt = Field(description="When attendance was recorded.")


class CertificateIssued(EventsServiceEvent):
    """A certificate of attendance was issued for verified attendance."""

    certificate_id: ResourceId = Field(description="Id of the certificate.")
    registration_id: ResourceId = Field(description="Id of the registration.")
    event_id: ResourceId = Field(description="Id of the event: events/{event_id}.")
    person_id: ResourceId = Field(description="Id of the attendee: people/{person_id}.")
    verification_code: str = Field(
        min_length=8, max_length=32, description="Code anyone can look the certificate up by."
    )
    title: str = Field(
        default="", max_length=200, description="Title of the event (empty from older producers)."
    )
    occurred_at: OccurredAt = Field(description="When it was issued.")
