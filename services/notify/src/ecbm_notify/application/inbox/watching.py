"""Watching an inbox live: the unread count first, then every change as it is committed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence, Set

from ecbm_notify.adapters.live import Fanout, InboxUpdate, Subscription, SubscriptionClosed
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.inbox import queries
from ecbm_notify.application.inbox.handlers import check_owner


class Watch:
    """One watcher's changes; `close` (or the fan-out closing) ends it.

    The tailer may still be behind notifications the watcher already has (counted when it
    subscribed, or sent in the backlog of a resume); those are not sent again as
    "created". They are named by position, not skipped as "at or before the position read
    when subscribing": positions are not commit order on PostgreSQL, and that rule would
    drop a notification committed later under a lower position.
    """

    def __init__(
        self, fanout: Fanout, subscription: Subscription, first: Sequence[InboxUpdate],
        already_sent: Set[int],
    ) -> None:  # fmt: skip
        self._fanout, self._subscription = fanout, subscription
        self._first = list(first)
        self._sent = already_sent | {u.position for u in first if u.change == "created"}

    def next(self, timeout: float) -> InboxUpdate | None:
        """The next change, or None after ``timeout``; raises `SubscriptionClosed` at the end."""
        if self._first:
            return self._first.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            update = self._subscription.next(max(0.0, deadline - time.monotonic()))
            if update is None or update.change != "created" or update.position not in self._sent:
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
    """Subscribe, then count and read the backlog: nothing committed in between is lost
    (at worst a change already counted is also sent; counts are absolute)."""
    fanout = deps.fanout
    with deps.read() as views:
        recipient_id = check_owner(views, query.recipient_id)
    subscription = fanout.subscribe(recipient_id)
    try:
        with deps.read() as views:
            count = views.inbox.unread_counts([recipient_id])[recipient_id]
            known = views.inbox.newest_positions(recipient_id)
            missed, complete = (
                views.inbox.created_since(recipient_id, query.after_position)
                if query.after_position
                else ([], True)
            )
    except BaseException:
        fanout.unsubscribe(subscription)
        raise
    if not complete:  # too far behind to replay: the watcher lists the inbox again
        return Watch(fanout, subscription, [InboxUpdate("resync", count)], known)
    first = [InboxUpdate("unread_count", count)]
    first += [InboxUpdate("created", count, view, view.created_position) for view in missed]
    return Watch(fanout, subscription, first, known)
