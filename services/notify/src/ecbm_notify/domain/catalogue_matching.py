"""Matching's notifications: introductions, messages and Meet & Match changes, each to the
person it names."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from ecbm_integration import matching
from ecbm_notify.domain.notification_type import Audience, Message, NotificationType
from ecbm_notify.domain.preferences import Topic


def _proposed(event: matching.IntroductionProposed) -> Message:
    return Message(
        title=f"Introduction proposed: {event.request_title}",
        body=f"Why: {event.explanation}. Accept or decline it here.",
        link=f"introductions/{event.introduction_id}",
    )


def _accepted(event: matching.IntroductionAccepted) -> Message:
    return Message(
        title=f"Introduction accepted: {event.request_title}",
        body="Both sides accepted: you can now write to each other here.",
        link=f"introductions/{event.introduction_id}",
    )


def _declined(event: matching.IntroductionDeclined) -> Message:
    return Message(
        title=f"Introduction declined: {event.request_title}",
        body="We will keep looking for a good match.",
        link=f"introductions/{event.introduction_id}",
    )


def _feedback(event: matching.FeedbackRequested) -> Message:
    return Message(
        title=f"How was your meeting about {event.request_title}?",
        body="Rate the meeting and say how useful it was.",
        link=f"introductions/{event.introduction_id}",
    )


def _message(event: matching.MessageReceived) -> Message:
    return Message(
        title=f"New message: {event.subject}",
        body=event.preview,
        link=f"threads/{event.thread_id}",
    )


def _cancelled(event: matching.MeetingCancelled) -> Message:
    return Message(
        title=f"Meeting cancelled: {event.title}",
        body="The other participant cancelled; your agenda is updated."
        if event.scheduled
        else "The other participant cancelled a meeting you had agreed; it will not be scheduled.",
        link=f"meetAndMatches/{event.event_id}",
    )


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else ""


def _rescheduled(event: matching.MeetingRescheduled) -> Message:
    where = f"{_when(event.new_start_time)}, {event.new_location}"
    body = {
        "DROPPED": "One of your meetings no longer fits the new schedule: it is off your agenda.",
        "ADDED": f"A meeting was added to your agenda: {where}.",
        "MOVED": f"One of your meetings moved: it is now at {where}.",
    }[event.change]
    return Message(
        title=f"Your agenda changed: {event.title}",
        body=body,
        link=f"meetAndMatches/{event.event_id}",
    )


_TITLE = {"request_title": "Mentoring migrants into jobs"}

MATCHING_CATALOGUE: dict[type[BaseModel], NotificationType] = {
    matching.IntroductionProposed: NotificationType(
        name="introduction_proposed",
        topic=Topic.MATCHING,
        audience=Audience.PERSON,
        message=_proposed,
        context=lambda e: {"request_title": e.request_title, "explanation": e.explanation},
        sample={**_TITLE, "explanation": "both work on labour market; speaks fr"},
    ),
    matching.IntroductionAccepted: NotificationType(
        name="introduction_accepted",
        topic=Topic.MATCHING,
        audience=Audience.PERSON,
        message=_accepted,
        context=lambda e: {"request_title": e.request_title},
        sample=_TITLE,
    ),
    matching.IntroductionDeclined: NotificationType(
        name="introduction_declined",
        topic=Topic.MATCHING,
        audience=Audience.PERSON,
        message=_declined,
        context=lambda e: {"request_title": e.request_title},
        sample=_TITLE,
    ),
    matching.FeedbackRequested: NotificationType(
        name="feedback_requested",
        topic=Topic.MATCHING,
        audience=Audience.PERSON,
        message=_feedback,
        context=lambda e: {"request_title": e.request_title},
        sample=_TITLE,
    ),
    matching.MessageReceived: NotificationType(
        name="message_received",
        topic=Topic.MATCHING,
        audience=Audience.PERSON,
        message=_message,
        context=lambda e: {"subject": e.subject, "preview": e.preview},
        sample={"subject": "Your partner search", "preview": "Hello, we run a similar project."},
    ),
    matching.MeetingCancelled: NotificationType(
        name="meeting_cancelled",
        topic=Topic.MATCHING,
        audience=Audience.PERSON,
        message=_cancelled,
        context=lambda e: {"event_title": e.title, "scheduled": "yes" if e.scheduled else ""},
        sample={"event_title": "Meet & Match Brussels", "scheduled": ""},
    ),
    matching.MeetingRescheduled: NotificationType(
        name="meeting_rescheduled",
        topic=Topic.MATCHING,
        audience=Audience.PERSON,
        message=_rescheduled,
        context=lambda e: {
            "event_title": e.title,
            "change": e.change,
            "starts_at": _when(e.new_start_time),
            "location": e.new_location,
        },
        sample={
            "event_title": "Meet & Match Brussels",
            "change": "MOVED",
            "starts_at": "2027-03-04 10:20 UTC",
            "location": "Table 4, Berlaymont",
        },
    ),
}
