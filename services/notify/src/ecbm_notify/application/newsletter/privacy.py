"""Erasing an external subscriber: their requests, their row, every mail sent to them.

A subscriber is an address and what its requester typed (a name, a country, topics).
When the address's owner is forgotten (registry's PersonForgotten, by their verified
address only: an unverified one may be someone else's) or a request was never confirmed
in time, nothing readable of it stays: the subscriber's events are redacted in place
(the store's one exception to append-only, GDPR art. 17), its read-model row, its
newsletter sends and its confirmation deliveries are deleted. The projection skips a
redacted request, so a replay does not bring it back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.domain.subscriber import (
    Interests,
    Subscriber,
    SubscriptionChanged,
    SubscriptionChangeRequested,
    SubscriptionRequested,
)
from ecbm_runtime.uow import UnitOfWork

_NO_INTERESTS = Interests().model_dump(mode="json")
# What the personal fields of a subscriber's events read as once erased.
SUBSCRIBER_ERASED: dict[str, dict[str, Any]] = {
    SubscriptionRequested.__name__: {"email": "", "interests": _NO_INTERESTS},
    SubscriptionChangeRequested.__name__: {"interests": _NO_INTERESTS},
    SubscriptionChanged.__name__: {"interests": _NO_INTERESTS},
}


def erase_subscriber(work: UnitOfWork[NotifyViews], subscriber_id: str) -> None:
    work.store.redact(Subscriber.stream_id_for(subscriber_id), SUBSCRIBER_ERASED, {"actor": None})
    work.views.campaigns.erase_subscriber(subscriber_id)
    work.views.sends.forget_recipient(subscriber_id)
    work.views.deliveries.erase_recipient(subscriber_id)


def erase_subscription_of(work: UnitOfWork[NotifyViews], email: str) -> None:
    """Erase the subscriber of ``email`` (a verified address being forgotten), if any."""
    subscriber_id = work.views.campaigns.subscriber_id_by_email(email)
    if subscriber_id is not None:
        erase_subscriber(work, subscriber_id)


def erase_unconfirmed(work: UnitOfWork[NotifyViews], requested_before: datetime) -> int:
    """Erase the subscriptions still pending since before ``requested_before``; how many."""
    expired = work.views.campaigns.pending_subscribers(requested_before)
    for subscriber_id in expired:
        erase_subscriber(work, subscriber_id)
    return len(expired)
