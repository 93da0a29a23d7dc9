"""Server-Sent Events: a `Watch` written to a browser's ``EventSource``.

Event types: ``unread`` (the count, sent first), ``notification`` (a new one), ``read`` (one
was marked read) and ``resync`` (the browser fell behind: list again). Every data payload
has ``unread_count``. Changes carry their store position as ``id``, so a reconnecting
``EventSource`` sends it back as ``Last-Event-ID`` and gets what it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

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


async def events(watch: Watch, heartbeat_seconds: float) -> AsyncIterator[bytes]:
    """The watch as SSE chunks, until it ends (the fan-out closed: server stop).

    Waits on the event loop, not in a thread: the fan-out's publisher wakes it. A comment
    line every ``heartbeat_seconds`` keeps proxies from closing an idle connection and
    shows a vanished browser. The caller closes the watch (the browser may leave first).
    """
    loop = asyncio.get_running_loop()
    changed = asyncio.Event()

    def wake() -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(changed.set)

    watch.on_change(wake)
    yield f"retry: {RECONNECT_MILLISECONDS}\n\n".encode()
    try:
        while True:
            changed.clear()  # before looking: a change offered after the look sets it again
            update = watch.next(timeout=0)
            if update is not None:
                yield encode(update)
                continue
            try:
                await asyncio.wait_for(changed.wait(), heartbeat_seconds)
            except TimeoutError:
                yield b": heartbeat\n\n"
    except SubscriptionClosed:
        return
