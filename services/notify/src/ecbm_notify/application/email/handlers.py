"""E-mail use cases: what an event queues per preference, the preference centre,
unsubscribing from a link, and the delivery log for operators."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from functools import partial
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import Connection, select

from ecbm_notify.adapters import deliveries, delivery_metrics, views
from ecbm_notify.adapters.read_models import recipients
from ecbm_notify.application import commands, queries
from ecbm_notify.application.access import check_may_use_inbox
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.catalogue import Message, NotificationType
from ecbm_notify.domain.delivery import DeliveryStatus
from ecbm_notify.domain.preferences import (
    DIGESTS,
    Channel,
    Frequency,
    Preference,
    Topic,
    decide,
    parse_preference,
)
from ecbm_runtime.auth import current_principal
from ecbm_runtime.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from ecbm_runtime.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]
ReadConnection = Callable[[], Connection]
Clock = Callable[[], datetime]
# An unsubscribe token from a digest ("digest:daily", "digest:weekly"): every topic that
# e-mail merges into that digest.
DIGEST_TOPIC = "digest"


def utc_now() -> datetime:
    return datetime.now(UTC)


class Mailer(Protocol):
    """What sends a composed message (``adapters.mailer.SmtpMailer``; fakes in tests)."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class UnsubscribeKeys:
    """What signs and checks unsubscribe links."""

    key: bytes
    valid_for: timedelta
    clock: Clock = utc_now


def source_key(event: BaseModel) -> str:
    """The event's identity for idempotency: its type and content.

    Not the bus's event id: events parked until their recipient is known are released
    while another event is handled, and must still be recognised if they come again.
    """
    digest = hashlib.sha256(type(event).__name__.encode() + event.model_dump_json().encode())
    return digest.hexdigest()[:48]


def route(
    connection: Connection,
    recipient_id: str,
    event: BaseModel,
    kind: NotificationType,
    message: Message,
    now: datetime,
) -> bool:
    """Queue or hold the e-mail the person's preferences ask for, and record the web inbox
    delivery; whether the web inbox should show the message (False for a repeated event)."""
    chosen = deliveries.load_preferences(connection, recipient_id)
    row = connection.execute(
        select(recipients.c.email, recipients.c.contact_by_email).where(
            recipients.c.id == recipient_id
        )
    ).first()
    # Organisation contacts have no recorded consent: the organisation gave the address.
    email_usable = row is not None and bool(row.email) and row.contact_by_email is not False
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
            connection,
            deliveries.NewDelivery(
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
        connection,
        deliveries.NewDelivery(
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
        delivery_metrics.deliveries.labels(Channel.WEB, DeliveryStatus.SENT).inc()
    return shown is not None


# Preference centre ----------------------------------------------------------------------


def get_preferences(query: queries.GetPreferences, read: ReadConnection) -> list[Preference]:
    check_may_use_inbox(query.recipient_id, _owner(read, query.recipient_id))
    with read() as connection:
        return deliveries.load_preferences(connection, query.recipient_id).all()


def update_preferences(
    command: commands.UpdatePreferences, uow: UnitOfWorkFactory, clock: Clock = utc_now
) -> list[Preference]:
    entries = [
        parse_preference(index, entry.topic, entry.channel, entry.frequency)
        for index, entry in enumerate(command.entries)
    ]
    with uow() as work:
        owner = partial(views.recipient, work.connection, command.recipient_id)
        check_may_use_inbox(command.recipient_id, owner)
        if owner() is None:
            raise NotFound(f"no recipient {command.recipient_id!r}")
        now = clock()
        for entry in entries:
            deliveries.save_preference(
                work.connection, command.recipient_id, entry.topic, entry.channel,
                entry.frequency, now,
            )  # fmt: skip
        chosen = deliveries.load_preferences(work.connection, command.recipient_id)
        work.commit()
    return chosen.all()


def _owner(read: ReadConnection, recipient_id: str) -> Callable[[], views.RecipientView | None]:
    def owner() -> views.RecipientView | None:
        with read() as connection:
            return views.recipient(connection, recipient_id)

    return owner


# Unsubscribe links ----------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribed:
    recipient_id: str
    topics: list[str]


def unsubscribe_url(keys: UnsubscribeKeys, base_url: str, recipient_id: str, topic: str) -> str:
    token = unsubscribe.issue(keys.key, recipient_id, topic, keys.clock(), keys.valid_for)
    return f"{base_url.rstrip('/')}/unsubscribe?token={token}"


def check_unsubscribe_token(
    query: queries.CheckUnsubscribeToken, keys: UnsubscribeKeys
) -> unsubscribe.UnsubscribeRequest:
    return unsubscribe.verify(keys.key, query.token, keys.clock())


def unsubscribe_by_link(
    command: commands.Unsubscribe, uow: UnitOfWorkFactory, keys: UnsubscribeKeys
) -> Unsubscribed:
    """E-mail off for the token's topic (a digest's token: every topic of that digest)."""
    now = keys.clock()
    request = unsubscribe.verify(keys.key, command.token, now)
    with uow() as work:
        chosen = deliveries.load_preferences(work.connection, request.recipient_id)
        if request.topic.partition(":")[0] == DIGEST_TOPIC:
            which = request.topic.partition(":")[2]  # "daily" or "weekly"
            digested = [f for f in DIGESTS if f == which] or list(DIGESTS)
            topics = [t for t in Topic if chosen.frequency(t, Channel.EMAIL) in digested]
        else:
            topics = [Topic(request.topic)] if request.topic in set(Topic) else []
        for topic in topics:
            deliveries.save_preference(
                work.connection, request.recipient_id, topic, Channel.EMAIL, Frequency.OFF, now
            )
        work.commit()
    return Unsubscribed(request.recipient_id, [str(topic) for topic in topics])


# Delivery log -----------------------------------------------------------------------------


def list_deliveries(
    query: queries.ListDeliveries, read: ReadConnection
) -> tuple[list[deliveries.DeliveryView], tuple[str, str] | None, int]:
    principal = current_principal()
    if principal is None or not principal.has_any_role({"admin"}):
        raise PermissionDenied("the delivery log is for operators (admin)")
    if query.channel and query.channel not in set(Channel):
        raise InvalidArgument(FieldViolation("channel", f"one of {', '.join(Channel)} or empty"))
    if query.status and query.status not in set(DeliveryStatus):
        raise InvalidArgument(
            FieldViolation("status", f"one of {', '.join(DeliveryStatus)} or empty")
        )
    with read() as connection:
        return deliveries.list_deliveries(
            connection,
            recipient_id=query.recipient_id,
            notification_type=query.notification_type,
            status=query.status,
            channel=query.channel,
            page_size=query.page_size,
            after=query.after,
        )
