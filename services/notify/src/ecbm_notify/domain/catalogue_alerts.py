"""Notifications of the alerts service: saved-search matches and funding-call deadlines.

Both go to the subscriber (``person_id``) under the ALERTS topic, so each person's
preference for it decides the channel and whether they come at once or in a digest.
"""

from __future__ import annotations

from ecbm_integration import alerts
from ecbm_notify.domain.notification_type import Audience, Message, NotificationType
from ecbm_notify.domain.preferences import Topic


def _matched_message(event: alerts.AlertMatched) -> Message:
    return Message(
        title=f"New for you: {event.title}",
        body=f'Your saved search "{event.subscription_name}" found a new item: {event.title}.',
        link=f"items/{event.item_id}",
    )


def _matched_context(event: alerts.AlertMatched) -> dict[str, str]:
    return {
        "item_title": event.title,
        "item_url": event.url,
        "subscription_name": event.subscription_name,
    }


def _deadline_message(event: alerts.DeadlineApproaching) -> Message:
    return Message(
        title=f"{event.days_before} days left: {event.title}",
        body=f"The funding call {event.title} ({event.identifier}) closes on {event.deadline}.",
        link=f"items/{event.item_id}",
    )


def _deadline_context(event: alerts.DeadlineApproaching) -> dict[str, str]:
    return {
        "item_title": event.title,
        "item_url": event.url,
        "deadline": event.deadline,
        "days_before": str(event.days_before),
    }


ALERTS_CATALOGUE: dict[type, NotificationType] = {
    alerts.AlertMatched: NotificationType(
        name="alert_matched",
        topic=Topic.ALERTS,
        audience=Audience.PERSON,
        message=_matched_message,
        context=_matched_context,
        sample={
            "item_title": "Partnerships for innovation: mentoring for inclusive education",
            "item_url": "https://ec.europa.eu/info/funding-tenders/opportunities/portal",
            "subscription_name": "Funding for mentoring",
        },
    ),
    alerts.DeadlineApproaching: NotificationType(
        name="deadline_approaching",
        topic=Topic.ALERTS,
        audience=Audience.PERSON,
        message=_deadline_message,
        context=_deadline_context,
        sample={
            "item_title": "Partnerships for innovation: mentoring for inclusive education",
            "item_url": "https://ec.europa.eu/info/funding-tenders/opportunities/portal",
            "deadline": "2027-03-12",
            "days_before": "7",
        },
    ),
}
