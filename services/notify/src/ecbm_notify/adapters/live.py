"""Fan-out of inbox changes to the watchers of one api process (gRPC streams, SSE).

One publisher (the store tailer) offers each change to the subscriptions of its recipient.
Publishing never blocks: every subscription has a bounded buffer, and a watcher that falls
``capacity`` changes behind loses its buffered changes, which are replaced by one
``resync`` change (carrying the current unread count) telling it to list the inbox again.
A stalled browser thus costs at most ``capacity`` changes of memory and never delays others.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ecbm_notify.adapters.inbox.views import NotificationView

Change = Literal["unread_count", "created", "read", "resync"]
DEFAULT_CAPACITY = 256


@dataclass(frozen=True)
class InboxUpdate:
    """One change to an inbox, with the recipient's unread count after it.

    ``position`` is the store position of the event behind it (0 for counts sent on
    connect); SSE uses it as the event id for ``Last-Event-ID`` resume.
    """

    change: Change
    unread_count: int
    notification: NotificationView | None = None
    position: int = 0


class SubscriptionClosed(Exception):
    """The subscription ended: its watcher went away, or the server is stopping."""


class Subscription:
    """One watcher's bounded buffer of changes to one recipient's inbox."""

    def __init__(self, recipient_id: str, capacity: int = DEFAULT_CAPACITY) -> None:
        self.recipient_id = recipient_id
        self.capacity = capacity
        self.overflows = 0
        self._items: deque[InboxUpdate] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (from the publishing thread) after each offer and on close:
        an asyncio watcher's wake-up, so it waits without a thread of its own."""
        with self._ready:
            self._listeners.append(listener)

    def _tell(self) -> None:
        for listener in self._listeners:
            listener()

    def offer(self, update: InboxUpdate) -> None:
        """Buffer ``update`` without blocking; on overflow keep only a resync marker."""
        with self._ready:
            if self._closed:
                return
            if len(self._items) >= self.capacity:
                self._items.clear()
                self.overflows += 1
                update = InboxUpdate("resync", update.unread_count, position=update.position)
            self._items.append(update)
            self._ready.notify()
        self._tell()

    def next(self, timeout: float) -> InboxUpdate | None:
        """The next change, or None after ``timeout`` seconds without one.

        Raises `SubscriptionClosed` once closed (buffered changes are dropped then).
        """
        deadline = time.monotonic() + timeout
        with self._ready:
            while not self._items and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._ready.wait(remaining)
            if self._closed:
                raise SubscriptionClosed
            return self._items.popleft()

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        self._tell()

    @property
    def closed(self) -> bool:
        return self._closed


class Fanout:
    """Subscriptions by recipient; thread-safe; `close` ends every one (server stop)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._by_recipient: dict[str, set[Subscription]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def subscribe(self, recipient_id: str) -> Subscription:
        subscription = Subscription(recipient_id, self._capacity)
        with self._lock:
            if self._closed:
                subscription.close()
            else:
                self._by_recipient.setdefault(recipient_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.close()
        with self._lock:
            subscribers = self._by_recipient.get(subscription.recipient_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_recipient[subscription.recipient_id]

    def publish(self, recipient_id: str, update: InboxUpdate) -> None:
        with self._lock:
            subscribers = list(self._by_recipient.get(recipient_id, ()))
        for subscription in subscribers:
            subscription.offer(update)

    def watched_recipients(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._by_recipient)

    def watcher_count(self) -> int:
        with self._lock:
            return sum(len(subscribers) for subscribers in self._by_recipient.values())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            subscriptions = [s for group in self._by_recipient.values() for s in group]
            self._by_recipient.clear()
        for subscription in subscriptions:
            subscription.close()
