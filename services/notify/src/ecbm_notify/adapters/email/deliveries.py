"""The delivery log in SQL: enqueue once, claim safely, record every status change."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ecbm_notify.adapters.newsletter.tables import newsletter_subscribers
from ecbm_notify.adapters.read_models import deliveries, delivery_history, preferences, recipients
from ecbm_notify.domain.delivery import DUE, DeliveryStatus
from ecbm_notify.domain.preferences import Channel, Frequency, Preferences, Topic
from ecbm_notify.domain.subscriber import CONFIRMATION_TYPE
from ecbm_runtime.db import among
from ecbm_runtime.ids import new_id


@dataclass(frozen=True)
class NewDelivery:
    source_key: str
    recipient_id: str
    channel: str
    notification_type: str
    topic: str
    critical: bool
    frequency: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery taken for sending, with what the message needs about its recipient."""

    id: str
    notification_type: str
    topic: str
    critical: bool
    attempts: int
    payload: dict[str, Any]
    recipient_id: str
    email: str | None
    display_name: str
    language: str | None
    # The address waiting for verification (only a verification mail goes there).
    pending_email: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    reason: str | None
    time: datetime


@dataclass(frozen=True)
class DeliveryView:
    id: str
    recipient_id: str
    channel: str
    notification_type: str
    topic: str
    status: str
    attempts: int
    last_error: str | None
    create_time: datetime
    update_time: datetime
    send_time: datetime | None
    next_attempt_time: datetime | None
    history: list[HistoryEntry]


class Deliveries:
    """The delivery log and preferences, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def load_preferences(self, recipient_id: str) -> Preferences:
        rows = self.connection.execute(
            select(preferences.c.topic, preferences.c.channel, preferences.c.frequency).where(
                preferences.c.recipient_id == recipient_id
            )
        )
        chosen = {}
        for row in rows:
            if row.topic in Topic.__members__.values():  # a topic retired since: ignored
                chosen[(Topic(row.topic), Channel(row.channel))] = Frequency(row.frequency)
        return Preferences(chosen)

    def email_usable(self, recipient_id: str) -> bool:
        """Whether e-mail can reach the recipient: an address and no refused consent.

        Organisation contacts have no recorded consent: the organisation gave the address.
        """
        row = self.connection.execute(
            select(recipients.c.email, recipients.c.contact_by_email).where(
                recipients.c.id == recipient_id
            )
        ).first()
        return row is not None and bool(row.email) and row.contact_by_email is not False

    def save_preference(
        self,
        recipient_id: str,
        topic: str,
        channel: str,
        frequency: str,
        now: datetime,
    ) -> None:
        key = and_(
            preferences.c.recipient_id == recipient_id,
            preferences.c.topic == topic,
            preferences.c.channel == channel,
        )
        changed = self.connection.execute(
            update(preferences).where(key).values(frequency=frequency, update_time=now)
        ).rowcount
        if not changed:
            self.connection.execute(
                insert(preferences).values(
                    recipient_id=recipient_id, topic=topic, channel=channel,
                    frequency=frequency, update_time=now,
                )
            )  # fmt: skip

    def enqueue(self, new: NewDelivery, now: datetime) -> str | None:
        """Insert the delivery unless one exists for its key; its id, or None when it did.

        The row is ``held`` for a digest, else ``queued`` and due now.
        """
        held = new.frequency in (Frequency.DAILY, Frequency.WEEKLY)
        status = DeliveryStatus.HELD if held else DeliveryStatus.QUEUED
        return self._insert(new, status, now, next_attempt_at=None if held else now)

    def record_shown(self, new: NewDelivery, now: datetime) -> str | None:
        """A web inbox delivery, ``sent`` as it is made; None when the key exists already."""
        return self._insert(new, DeliveryStatus.SENT, now, next_attempt_at=None)

    def _insert(
        self,
        new: NewDelivery,
        status: DeliveryStatus,
        now: datetime,
        next_attempt_at: datetime | None,
    ) -> str | None:
        delivery_id = new_id("delivery")
        values = {
            "id": delivery_id,
            "source_key": new.source_key,
            "recipient_id": new.recipient_id,
            "channel": new.channel,
            "notification_type": new.notification_type,
            "topic": new.topic,
            "critical": new.critical,
            "frequency": new.frequency,
            "status": status,
            "attempts": 0,
            "next_attempt_at": next_attempt_at,
            "payload": json.dumps(new.payload),
            "create_time": now,
            "update_time": now,
            "send_time": now if status is DeliveryStatus.SENT else None,
        }
        try:
            with self.connection.begin_nested():
                self.connection.execute(insert(deliveries).values(values))
        except IntegrityError:
            return None
        self._history(delivery_id, status, None, now)
        return delivery_id

    def claim_batch(self, now: datetime, lease: timedelta, size: int) -> list[ClaimedDelivery]:
        """Take up to ``size`` of the most overdue deliveries, ``sending`` until ``now + lease``.

        One transaction for the batch (a transaction per mail cost as much as the SMTP
        dialogue). PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so concurrent senders never take
        the same row; SQLite writes begin IMMEDIATE, which serialises the claims. A sender that
        dies mid-batch leaves rows ``sending``; they are due again when the lease ends.
        """
        query = (
            select(deliveries.c.id)
            .where(deliveries.c.status.in_(DUE), deliveries.c.next_attempt_at <= now)
            .order_by(deliveries.c.next_attempt_at)
            .limit(size)
        )
        if self.connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(self.connection.execute(query).scalars())
        if not ids:
            return []
        self.connection.execute(
            update(deliveries)
            .where(among(self.connection, deliveries.c.id, ids))
            .values(status=DeliveryStatus.SENDING, next_attempt_at=now + lease, update_time=now)
        )
        # A newsletter confirmation goes to the subscriber's address (not a recipient's).
        subscriber = newsletter_subscribers.c
        rows = self.connection.execute(
            select(deliveries, recipients.c.email, recipients.c.display_name,
                   recipients.c.preferred_language, recipients.c.pending_email,
                   subscriber.email.label("subscriber_email"),
                   subscriber.language.label("subscriber_language"))
            .select_from(deliveries.outerjoin(recipients,
                                              recipients.c.id == deliveries.c.recipient_id)
                         .outerjoin(newsletter_subscribers,
                                    subscriber.id == deliveries.c.recipient_id))
            .where(among(self.connection, deliveries.c.id, ids))
        ).all()  # fmt: skip
        order = {delivery_id: index for index, delivery_id in enumerate(ids)}
        return sorted(
            (
                ClaimedDelivery(
                    id=row.id,
                    notification_type=row.notification_type,
                    topic=row.topic,
                    critical=row.critical,
                    attempts=row.attempts,
                    payload=json.loads(row.payload),
                    recipient_id=row.recipient_id,
                    **_addressee(row),
                )
                for row in rows
            ),
            key=lambda claimed: order[claimed.id],
        )

    def record(
        self,
        delivery_id: str,
        status: DeliveryStatus,
        now: datetime,
        *,
        reason: str | None = None,
        attempted: bool = True,
        next_attempt_at: datetime | None = None,
        history: bool = True,
    ) -> None:
        """The outcome of an attempt: new status, reason, and when to try again (if ever)."""
        values: dict[str, Any] = {
            "status": status,
            "update_time": now,
            "next_attempt_at": next_attempt_at,
            "last_error": reason,
        }
        if attempted:
            values["attempts"] = deliveries.c.attempts + 1
        if status is DeliveryStatus.SENT:
            values["send_time"] = now
        self.connection.execute(
            update(deliveries).where(deliveries.c.id == delivery_id).values(values)
        )
        if history:
            self._history(delivery_id, status, reason, now)

    def _history(self, delivery_id: str, status: str, reason: str | None, now: datetime) -> None:
        self.connection.execute(
            insert(delivery_history).values(
                delivery_id=delivery_id, status=status, reason=reason, time=now
            )
        )

    def held_for_digest(self, frequency: Frequency) -> dict[str, list[dict[str, Any]]]:
        """Held items of this frequency per recipient, oldest first (id, topic, payload)."""
        rows = self.connection.execute(
            select(
                deliveries.c.id, deliveries.c.recipient_id, deliveries.c.topic, deliveries.c.payload
            )
            .where(deliveries.c.status == DeliveryStatus.HELD, deliveries.c.frequency == frequency)
            .order_by(deliveries.c.create_time, deliveries.c.id)
        )
        held: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            held.setdefault(row.recipient_id, []).append(
                {"id": row.id, "topic": row.topic, **json.loads(row.payload)}
            )
        return held

    def has_delivery(self, source_key: str, recipient_id: str, channel: str) -> bool:
        query = select(deliveries.c.id).where(
            deliveries.c.source_key == source_key,
            deliveries.c.recipient_id == recipient_id,
            deliveries.c.channel == channel,
        )
        return self.connection.execute(query).first() is not None

    def mark_digested(self, item_ids: Iterable[str], digest_id: str, now: datetime) -> None:
        ids = list(item_ids)
        self.connection.execute(
            update(deliveries)
            .where(among(self.connection, deliveries.c.id, ids))
            .values(status=DeliveryStatus.DIGESTED, digest_id=digest_id, update_time=now)
        )
        for item_id in ids:
            self._history(item_id, DeliveryStatus.DIGESTED, f"in digest {digest_id}", now)

    def list_deliveries(
        self,
        *,
        recipient_id: str = "",
        notification_type: str = "",
        status: str = "",
        channel: str = "",
        page_size: int = 50,
        after: tuple[str, str] | None = None,
    ) -> tuple[list[DeliveryView], tuple[str, str] | None, int]:
        """Newest first, keyset-paged on (create_time, id); the views, the next key, the total."""
        conditions = []
        if recipient_id:
            conditions.append(deliveries.c.recipient_id == recipient_id)
        if notification_type:
            conditions.append(deliveries.c.notification_type == notification_type)
        if status:
            conditions.append(deliveries.c.status == status)
        if channel:
            conditions.append(deliveries.c.channel == channel)
        total = self.connection.execute(
            select(func.count()).select_from(deliveries).where(*conditions)
        ).scalar_one()
        query = select(deliveries).where(*conditions)
        if after is not None:
            time = datetime.fromisoformat(after[0])
            query = query.where(
                or_(
                    deliveries.c.create_time < time,
                    and_(deliveries.c.create_time == time, deliveries.c.id < after[1]),
                )
            )
        query = query.order_by(deliveries.c.create_time.desc(), deliveries.c.id.desc())
        rows = self.connection.execute(query.limit(page_size + 1)).all()
        more = len(rows) > page_size
        rows = rows[:page_size]
        history = self._histories([row.id for row in rows])
        views = [
            DeliveryView(
                id=row.id,
                recipient_id=row.recipient_id,
                channel=row.channel,
                notification_type=row.notification_type,
                topic=row.topic,
                status=row.status,
                attempts=row.attempts,
                last_error=row.last_error,
                create_time=row.create_time,
                update_time=row.update_time,
                send_time=row.send_time,
                next_attempt_time=row.next_attempt_at,
                history=history.get(row.id, []),
            )
            for row in rows
        ]
        next_key = (rows[-1].create_time.isoformat(), rows[-1].id) if more else None
        return views, next_key, int(total)

    def _histories(self, ids: list[str]) -> dict[str, list[HistoryEntry]]:
        if not ids:
            return {}
        rows = self.connection.execute(
            select(delivery_history)
            .where(among(self.connection, delivery_history.c.delivery_id, ids))
            .order_by(delivery_history.c.id)
        )
        found: dict[str, list[HistoryEntry]] = {}
        for row in rows:
            found.setdefault(row.delivery_id, []).append(
                HistoryEntry(row.status, row.reason, row.time)
            )
        return found

    def erase_recipient(self, recipient_id: str) -> None:
        """A forgotten person's deliveries hold their messages: delete them and their history."""
        ids = select(deliveries.c.id).where(deliveries.c.recipient_id == recipient_id)
        self.connection.execute(
            delivery_history.delete().where(delivery_history.c.delivery_id.in_(ids))
        )
        self.connection.execute(
            deliveries.delete().where(deliveries.c.recipient_id == recipient_id)
        )
        self.connection.execute(
            preferences.delete().where(preferences.c.recipient_id == recipient_id)
        )

    def waiting(self) -> tuple[int, datetime | None]:
        """How many deliveries wait to be sent, and when the oldest was created."""
        row = self.connection.execute(
            select(func.count(), func.min(deliveries.c.create_time)).where(
                deliveries.c.status.in_(DUE)
            )
        ).one()
        return int(row[0]), row[1]


def _addressee(row: Any) -> dict[str, Any]:
    """Where a claimed delivery goes: a recipient, or for a newsletter confirmation the
    subscriber's address, greeted by no name (the name was the requester's choice)."""
    if row.notification_type == CONFIRMATION_TYPE:
        return {"email": row.subscriber_email, "display_name": "", "pending_email": None,
                "language": row.subscriber_language}  # fmt: skip
    return {"email": row.email, "display_name": row.display_name or "",
            "language": row.preferred_language, "pending_email": row.pending_email}  # fmt: skip
