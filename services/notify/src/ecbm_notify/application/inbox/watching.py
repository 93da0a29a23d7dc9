"""Watching an inbox live: the unread count first, then every change as it is committed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from ecbm_notify.adapters.live import Fanout, InboxUpdate, Subscription, SubscriptionClosed
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.inbox import queries
from ecbm_notify.application.inbox.handlers import check_owner


class Watch:
    """One watcher's changes; `close` (or the fan-out closing) ends it.

    Changes from store positions up to ``since`` were already in the first messages (the
    count, the listed inbox), so they are skipped: the tailer may still be behind them.
    """

    def __init__(
        self, fanout: Fanout, subscription: Subscription, first: Sequence[InboxUpdate],
        since: int,
    ) -> None:  # fmt: skip
        self._fanout, self._subscription = fanout, subscription
        self._first, self._since = list(first), since

    def next(self, timeout: float) -> InboxUpdate | None:
        """The next change, or None after ``timeout``; raises `SubscriptionClosed` at the end."""
        if self._first:
            return self._first.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            update = self._subscription.next(max(0.0, deadline - time.monotonic()))
            if update is None or update.position > self._since or update.change == "resync":
                return update

    def on_change(self, listener: Callable[[], None]) -> None:
        """``listener`` is called (from another thread) when a change or the end may wait."""
        self._subscription.on_change(listener)

    def __iter__(self) -> Iterator[InboxUpdate]:
        try:
            while True:
                update = self.next(timeout=60.0)
                if update is not None:
                    yield update
        except SubscriptionClosed:
            return
        finally:
            self.close()

    def close(self) -> None:
        self._fanout.unsubscribe(self._subscription)


def watch_inbox(query: queries.WatchInbox, deps: NotifyDependencies) -> Watch:
    """Subscribe, then note the store position, then count: nothing committed in between
    is lost (at worst a change already counted is also sent; counts are absolute)."""
    fanout = deps.fanout
    with deps.read() as views:
        recipient_id = check_owner(views, query.recipient_id)
    subscription = fanout.subscribe(recipient_id)
    try:
        with deps.read() as views:
            since = views.inbox.store_position()
            count = views.inbox.unread_counts([recipient_id])[recipient_id]
            missed = (
                views.inbox.created_after(recipient_id, query.after_position)
                if query.after_position
                else []
            )
    except BaseException:
        fanout.unsubscribe(subscription)
        raise
    first = [InboxUpdate("unread_count", count)]
    first += [InboxUpdate("created", count, view, view.created_position) for view in missed]
    return Watch(fanout, subscription, first, since)
