"""Erasure of a forgotten person's notifications from notify's own event store.

The store is append-only for everything else. Erasure under the GDPR (art. 17) is the one
exception: the right to be forgotten outranks keeping history intact, and notify's events
are its own (no other service reads them), so the personal fields of a forgotten person's
``NotificationCreated`` events are overwritten in place. What remains is that a
notification existed, its topic and what caused it, with ``redacted`` set; the projection
skips redacted notifications, so a replay of the store yields none for them. The
``actor`` in the metadata of every event of those streams (who read it) is blanked too.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, select, update

from ecbm_notify.adapters.read_models import notifications
from ecbm_notify.domain.notification import Notification, NotificationCreated
from ecbm_runtime.tables import events

# Personal fields blanked; topic and source_event_type only name the kind of message.
_REDACTED = {"recipient_id": "", "title": "", "body": "", "link": "", "redacted": True}


def erase_notifications(connection: Connection, recipient_id: str) -> int:
    """Redact the recipient's stored notifications and delete their inbox rows; how many."""
    ids = list(
        connection.execute(
            select(notifications.c.id).where(notifications.c.recipient_id == recipient_id)
        ).scalars()
    )
    for notification_id in ids:
        _redact_stream(connection, Notification.stream_id_for(notification_id))
    connection.execute(delete(notifications).where(notifications.c.recipient_id == recipient_id))
    return len(ids)


def _redact_stream(connection: Connection, stream_id: str) -> None:
    """Blank the creating event's personal fields, and who acted on the notification."""
    rows = connection.execute(
        select(events.c.position, events.c.type, events.c.data, events.c.metadata).where(
            events.c.stream_id == stream_id
        )
    ).all()
    for row in rows:
        data = {**row.data, **_REDACTED} if row.type == NotificationCreated.__name__ else row.data
        connection.execute(
            update(events)
            .where(events.c.position == row.position)
            .values(data=data, metadata={**row.metadata, "actor": None})
        )
