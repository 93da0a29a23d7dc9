"""Server-Sent Events: a `Watch` written to a browser's ``EventSource``.

Event types: ``unread`` (the count, sent first), ``notification`` (a new one), ``read`` (one
was marked read) and ``resync`` (the browser fell behind: list again). Every data payload
has ``unread_count``. Changes carry their store position as ``id``, so a reconnecting
``EventSource`` sends it back as ``Last-Event-ID`` and gets what it missed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

from ecbm_notify.adapters.inbox.views import NotificationView
from ecbm_notify.adapters.live import InboxUpdate, SubscriptionClosed
from ecbm_notify.application.inbox.watching import Watch

_EVENT_NAMES = {
    "unread_count": "unread",
    "created": "notification",
    "read": "read",
    "resync": "resync",
}
RECONNECT_MILLISECONDS = 2000


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


def notification_json(view: NotificationView) -> dict[str, Any]:
    return {
        "name": f"recipients/{view.recipient_id}/notifications/{view.id}",
        "id": view.id,
        "topic": view.topic,
        "title": view.title,
        "body": view.body,
        "link": view.link,
        "source_event_type": view.source_event_type,
        "read": view.read,
        "create_time": _iso(view.create_time),
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def encode(update: InboxUpdate) -> bytes:
    """One SSE event; ``id`` only for changes from the store (resumable points)."""
    data: dict[str, Any] = {"unread_count": update.unread_count}
    if update.notification is not None:
        data["notification"] = notification_json(update.notification)
    lines = [f"event: {_EVENT_NAMES[update.change]}"]
    if update.position:
        lines.append(f"id: {update.position}")
    lines.append(f"data: {json.dumps(data, separators=(',', ':'))}")
    return ("\n".join(lines) + "\n\n").encode()


def stream(out: Writable, watch: Watch, heartbeat_seconds: float) -> None:
    """Write changes until the watch ends or the browser goes away.

    A comment line every ``heartbeat_seconds`` keeps proxies from closing an idle
    connection and shows us a vanished browser (the write fails).
    """
    try:
        out.write(f"retry: {RECONNECT_MILLISECONDS}\n\n".encode())
        while True:
            update = watch.next(timeout=heartbeat_seconds)
            out.write(b": heartbeat\n\n" if update is None else encode(update))
            out.flush()
    except (SubscriptionClosed, OSError):
        return
    finally:
        watch.close()
