"""Web-inbox notifications: what a person is told, and whether they have read it."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, RuleViolation


class NotificationNotFound(NotFound):
    """No such notification in this recipient's inbox."""


class NotificationCreated(DomainEvent):
    recipient_id: str
    topic: str
    title: str
    body: str
    link: str
    source_event_type: str
    # Set when the recipient was forgotten: the personal fields above are blanked.
    redacted: bool = False


class NotificationRead(DomainEvent):
    pass


# Erasure of a forgotten person (GDPR art. 17) blanks these fields of their stored
# ``NotificationCreated`` events: what remains is that a notification existed, its topic and
# what caused it. The projection skips redacted notifications, so a replay shows none.
ERASED: dict[str, object] = {
    "recipient_id": "",
    "title": "",
    "body": "",
    "link": "",
    "redacted": True,
}


class Notification(Aggregate):
    """One message for one recipient. Invariant: it is read at most once."""

    stream_prefix = "notification"

    recipient_id: str
    read: bool

    @classmethod
    def create(cls, id: str, event: NotificationCreated) -> Self:
        notification = cls(id)
        notification.record(event)
        return notification

    def mark_read(self) -> None:
        if self.read:
            raise RuleViolation("the notification is already read")
        self.record(NotificationRead())

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: NotificationCreated) -> None:
        self.recipient_id = event.recipient_id
        self.read = False

    @apply.register
    def _(self, event: NotificationRead) -> None:
        self.read = True
