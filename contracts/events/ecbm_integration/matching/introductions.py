"""Introductions between people, as notify tells them: each event names the person it is
for (``person_id``), so each side of an introduction gets its own. No e-mail address of
the other side is ever carried: people reply through matching."""

from __future__ import annotations

from pydantic import Field

from ecbm_integration.fields import OccurredAt, ResourceId
from ecbm_integration.matching.base import MatchingEvent

Title = Field(min_length=1, max_length=200, description="Title of the request it answers.")


class IntroductionProposed(MatchingEvent):
    """A published round proposes an introduction: the person may accept or decline."""

    introduction_id: ResourceId = Field(description="Id: introductions/{introduction_id}.")
    person_id: ResourceId = Field(description="Who it is for: people/{person_id}.")
    request_title: str = Title
    explanation: str = Field(max_length=2000, description="Why, in plain words.")
    occurred_at: OccurredAt = Field(description="When it was proposed.")


class IntroductionAccepted(MatchingEvent):
    """Both sides accepted: they may now write to each other through matching."""

    introduction_id: ResourceId = Field(description="Id: introductions/{introduction_id}.")
    person_id: ResourceId = Field(description="Who it is for: people/{person_id}.")
    request_title: str = Title
    occurred_at: OccurredAt = Field(description="When the second side accepted.")


class IntroductionDeclined(MatchingEvent):
    """One side declined; the other side is told (without the reason)."""

    introduction_id: ResourceId = Field(description="Id: introductions/{introduction_id}.")
    person_id: ResourceId = Field(description="Who it is for: people/{person_id}.")
    request_title: str = Title
    occurred_at: OccurredAt = Field(description="When it was declined.")


class FeedbackRequested(MatchingEvent):
    """They met: each side is asked for a rating, the outcome and a few words."""

    introduction_id: ResourceId = Field(description="Id: introductions/{introduction_id}.")
    person_id: ResourceId = Field(description="Who is asked: people/{person_id}.")
    request_title: str = Title
    occurred_at: OccurredAt = Field(description="When the meeting was recorded.")


class MessageReceived(MatchingEvent):
    """Someone wrote to the person through matching (their address stays hidden)."""

    thread_id: ResourceId = Field(description="Id: threads/{thread_id}.")
    person_id: ResourceId = Field(description="The recipient: people/{person_id}.")
    subject: str = Field(min_length=1, max_length=200, description="Subject of the thread.")
    preview: str = Field(max_length=300, description="The message's first words.")
    occurred_at: OccurredAt = Field(description="When it was sent.")
