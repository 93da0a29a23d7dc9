"""Integration events published by matching (exchange ``matching.events``): introductions
and messages, for notify to turn into mail and inbox items in the person's language."""

from ecbm_integration.matching.base import MatchingEvent
from ecbm_integration.matching.introductions import (
    FeedbackRequested,
    IntroductionAccepted,
    IntroductionDeclined,
    IntroductionProposed,
    MessageReceived,
)
from ecbm_integration.matching.meet_and_match import MeetingCancelled, MeetingRescheduled

__all__ = [
    "FeedbackRequested",
    "IntroductionAccepted",
    "IntroductionDeclined",
    "IntroductionProposed",
    "MatchingEvent",
    "MeetingCancelled",
    "MeetingRescheduled",
    "MessageReceived",
]
