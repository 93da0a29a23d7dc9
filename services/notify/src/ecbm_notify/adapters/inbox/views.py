"""Read side of the web inbox."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, or_, select

from ecbm_notify.adapters.read_models import notifications, recipients
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.domain.recipients import normalised_email
from ecbm_runtime.db import among
from ecbm_runtime.eventstore import store_for


@dataclass(frozen=True)
class NotificationView:
    id: str
    recipient_id: str
    topic: str
    title: str
    body: str
    link: str
    source_event_type: str
    read: bool
    create_time: datetime
    created_position: int


@dataclass(frozen=True)
class NotificationPage:
    notifications: list[NotificationView]
    next_after: str
    total_size: int


@dataclass(frozen=True)
class RecipientView:
    id: str
    email: str | None  # where mail goes: None for a person who verified no address yet
    display_name: str
    person_id: str | None = None
    pending_email: str | None = None  # a person's address waiting for verification


def _notification(row: object) -> NotificationView:
    values = {name: row[name] for name in NotificationView.__dataclass_fields__}  # type: ignore[index]
    created = values["create_time"]
    values["create_time"] = created if created.tzinfo else created.replace(tzinfo=UTC)
    return NotificationView(**values)


# A resume further back than this many store events answers "list again" instead.
RESUME_SCAN_LIMIT = 2000


class InboxViews:
    """The web inbox's read model and its recipients, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def list_notifications(self, query: ListNotifications) -> NotificationPage:
        """Newest first, keyset-paged on the creating event's position."""
        inbox = select(notifications).where(notifications.c.recipient_id == query.recipient_id)
        if query.unread_only:
            inbox = inbox.where(notifications.c.read.is_(False))
        total = self.connection.execute(
            select(func.count()).select_from(inbox.subquery())
        ).scalar_one()
        if query.after:
            inbox = inbox.where(notifications.c.created_position < int(query.after))
        page_query = inbox.order_by(notifications.c.created_position.desc()).limit(
            query.page_size + 1
        )
        rows = [_notification(row) for row in self.connection.execute(page_query).mappings()]
        has_more = len(rows) > query.page_size
        rows = rows[: query.page_size]
        next_after = str(rows[-1].created_position) if has_more else ""
        return NotificationPage(notifications=rows, next_after=next_after, total_size=int(total))

    def notification(self, notification_id: str) -> NotificationView | None:
        query = select(notifications).where(notifications.c.id == notification_id)
        row = self.connection.execute(query).mappings().first()
        return _notification(row) if row else None

    def notifications_by_id(self, ids: Iterable[str]) -> dict[str, NotificationView]:
        query = select(notifications).where(among(self.connection, notifications.c.id, list(ids)))
        return {row["id"]: _notification(row) for row in self.connection.execute(query).mappings()}

    def unread_ids(self, recipient_id: str) -> list[str]:
        query = select(notifications.c.id).where(
            notifications.c.recipient_id == recipient_id, notifications.c.read.is_(False)
        )
        return list(
            self.connection.execute(query.order_by(notifications.c.created_position)).scalars()
        )

    def unread_counts(self, recipient_ids: Iterable[str]) -> dict[str, int]:
        """Unread notifications per recipient; every asked-for recipient is in the answer."""
        wanted = list(recipient_ids)
        query = (
            select(notifications.c.recipient_id, func.count())
            .where(
                among(self.connection, notifications.c.recipient_id, wanted),
                notifications.c.read.is_(False),
            )
            .group_by(notifications.c.recipient_id)
        )
        counts = {recipient: 0 for recipient in wanted}
        counts.update({row[0]: int(row[1]) for row in self.connection.execute(query)})
        return counts

    def newest_positions(self, recipient_id: str, limit: int = 100) -> set[int]:
        """Positions of the recipient's newest notifications: those a watcher subscribing
        now already counts, and the store tailer may not have reached yet."""
        query = (
            select(notifications.c.created_position)
            .where(notifications.c.recipient_id == recipient_id)
            .order_by(notifications.c.created_position.desc())
            .limit(limit)
        )
        return set(self.connection.execute(query).scalars())

    def created_since(
        self, recipient_id: str, position: int, scan_limit: int = RESUME_SCAN_LIMIT
    ) -> tuple[list[NotificationView], bool]:
        """The recipient's notifications created after the event at ``position``, in commit
        order (SSE resume), and whether that is all of them.

        Read from the store in commit order, as the tailer read them: a notification whose
        transaction committed after the one at ``position`` but took a lower position is
        found too. More than ``scan_limit`` events since then: not all (list again).
        """
        records = store_for(self.connection).read_all(position, limit=scan_limit)
        created = [r.entity_id for r in records if r.type == "NotificationCreated"]
        found = self.notifications_by_id(created)
        mine = [found[i] for i in created if i in found and found[i].recipient_id == recipient_id]
        return mine, len(records) < scan_limit

    def recipient_by_email(self, email: str) -> RecipientView | None:
        """A recipient whose address (verified or waiting) this is; people before contacts.

        Several may share an address; operators use it to find one, nobody is granted
        anything by it.
        """
        email = normalised_email(email)
        return self._recipient(
            or_(recipients.c.email == email, recipients.c.pending_email == email),
            order=(recipients.c.person_id.is_(None), recipients.c.id),
        )

    def recipient(self, recipient_id: str) -> RecipientView | None:
        return self._recipient(recipients.c.id == recipient_id)

    def _recipient(
        self, where: ColumnElement[bool], order: tuple[ColumnElement[Any], ...] = ()
    ) -> RecipientView | None:
        query = select(recipients).where(where).order_by(*order).limit(1)
        row = self.connection.execute(query).mappings().first()
        if row is None:
            return None
        fields = ("id", "email", "display_name", "person_id", "pending_email")
        return RecipientView(**{name: row[name] for name in fields})

    def erase_inbox(self, recipient_id: str) -> list[str]:
        """Delete the recipient's inbox rows; the ids of the notifications they had."""
        where = notifications.c.recipient_id == recipient_id
        ids = list(self.connection.execute(select(notifications.c.id).where(where)).scalars())
        self.connection.execute(delete(notifications).where(where))
        return ids
