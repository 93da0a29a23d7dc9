"""What an event queues per the person's preferences: e-mail now, held for a digest, or
nothing; and the web inbox delivery."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from ecbm_notify.adapters.email import metrics
from ecbm_notify.adapters.email.deliveries import Deliveries, NewDelivery
from ecbm_notify.domain.delivery import DeliveryStatus
from ecbm_notify.domain.notification_type import Message, NotificationType
from ecbm_notify.domain.preferences import Channel, Frequency, decide


def source_key(event: BaseModel) -> str:
    """The event's identity for idempotency: its type and content.

    Not the bus's event id: events parked until their recipient is known are released
    while another event is handled, and must still be recognised if they come again.
    """
    digest = hashlib.sha256(type(event).__name__.encode() + event.model_dump_json().encode())
    return digest.hexdigest()[:48]


def route(
    deliveries: Deliveries,
    recipient_id: str,
    event: BaseModel,
    kind: NotificationType,
    message: Message,
    now: datetime,
) -> bool:
    """Queue or hold the e-mail the person's preferences ask for, and record the web inbox
    delivery; whether the web inbox should show the message (False for a repeated event)."""
    chosen = deliveries.load_preferences(recipient_id)
    email_usable = deliveries.email_usable(recipient_id)
    web = decide(chosen.frequency(kind.topic, Channel.WEB), critical=kind.critical,
                 channel_usable=True)  # fmt: skip
    email = decide(chosen.frequency(kind.topic, Channel.EMAIL), critical=kind.critical,
                   channel_usable=email_usable)  # fmt: skip
    key = source_key(event)
    if email is not Frequency.OFF:
        payload: dict[str, Any] = {
            **kind.context(event),
            "title": message.title,
            "body": message.body,
            "link": message.link,
        }
        deliveries.enqueue(
            NewDelivery(
                source_key=key,
                recipient_id=recipient_id,
                channel=Channel.EMAIL,
                notification_type=kind.name,
                topic=kind.topic,
                critical=kind.critical,
                frequency=email,
                payload=payload,
            ),
            now,
        )
    if web is Frequency.OFF:
        return False
    shown = deliveries.record_shown(
        NewDelivery(
            source_key=key,
            recipient_id=recipient_id,
            channel=Channel.WEB,
            notification_type=kind.name,
            topic=kind.topic,
            critical=kind.critical,
            frequency=Frequency.IMMEDIATELY,
            payload={},
        ),
        now,
    )
    if shown is not None:
        metrics.deliveries.labels(Channel.WEB, DeliveryStatus.SENT).inc()
    return shown is not None
