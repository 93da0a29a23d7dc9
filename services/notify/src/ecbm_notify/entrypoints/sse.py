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
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import anyio
from starlette.responses import StreamingResponse

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
_HEADERS = {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",  # nginx: do not buffer the stream
}
_log = logging.getLogger("ecbm_notify.http")


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


class EventStreamResponse(StreamingResponse):
    """SSE whose every write must be taken by the browser within ``send_timeout``: one that
    stops reading (its buffers full) is cut off instead of holding the stream for ever."""

    def __init__(self, content: AsyncIterator[bytes], send_timeout: float) -> None:
        super().__init__(content, headers=_HEADERS)
        self.send_timeout = send_timeout

    async def stream_response(self, send: Any) -> None:
        async def timed(message: Any) -> None:
            with anyio.fail_after(self.send_timeout):
                await send(message)

        try:
            await super().stream_response(timed)
        except TimeoutError:
            _log.info("event stream cut off: the browser stopped reading")
        finally:
            aclose = getattr(self.body_iterator, "aclose", None)
            if aclose is not None:
                await aclose()
