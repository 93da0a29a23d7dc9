"""Projections: notification events into the web-inbox table."""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from ecbm_notify.adapters.read_models import notifications
from ecbm_notify.domain.notification import NotificationCreated, NotificationRead
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Projection


def on_notification_created(
    connection: Connection, event: NotificationCreated, record: StoredEvent
) -> None:
    if event.redacted:  # its recipient was forgotten (domain.notification.ERASED)
        return
    connection.execute(
        insert(notifications).values(
            id=record.entity_id,
            created_position=record.position,
            read=False,
            create_time=record.recorded_at,
            **event.model_dump(exclude={"redacted"}),
        )
    )


def on_notification_read(
    connection: Connection, event: NotificationRead, record: StoredEvent
) -> None:
    connection.execute(
        update(notifications).where(notifications.c.id == record.entity_id).values(read=True)
    )


PROJECTIONS: dict[type[DomainEvent], list[Projection]] = {
    NotificationCreated: [on_notification_created],
    NotificationRead: [on_notification_read],
}
