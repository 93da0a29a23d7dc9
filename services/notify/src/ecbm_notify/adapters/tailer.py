"""Tails notify's event store and turns notification events into live inbox updates.

Notifications are created by the worker process; watchers are connected to the api
process. One thread per api process polls ``events`` in commit order (the store's
``read_all``: an index range scan that returns nothing most of the time) every
``interval`` seconds, whatever the number of watchers, and publishes to the `Fanout`.
On PostgreSQL commit order is not position order, so the tailer's cursor, a watcher's
resume (``InboxViews.created_since``) and its "already have it" rule never compare
positions as numbers. Polling works the same on
SQLite and PostgreSQL; at 25 ms it adds ~13 ms on average, well inside the 100 ms budget,
so PostgreSQL LISTEN/NOTIFY (a trigger on the store and a dedicated connection) is not
worth its extra moving parts yet.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import Connection, Engine

from ecbm_notify.adapters.inbox.views import InboxViews
from ecbm_notify.adapters.live import Change, Fanout, InboxUpdate
from ecbm_runtime.db import read_only_connection
from ecbm_runtime.eventstore import StoredEvent, store_for

_log = logging.getLogger("ecbm_notify.live")
_CHANGES: dict[str, Change] = {"NotificationCreated": "created", "NotificationRead": "read"}
_BATCH = 500
_MAX_BACKOFF_SECONDS = 2.0


class StoreTailer:
    """A daemon thread publishing every notification event committed after `start`."""

    def __init__(self, engine: Engine, fanout: Fanout, interval: float = 0.025) -> None:
        self._engine, self._fanout, self._interval = engine, fanout, interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notify-live-tailer", daemon=True)
        self.position = 0

    def start(self) -> None:
        """Begin at the end of the store: watchers get history by listing, not from here."""
        with read_only_connection(self._engine) as connection:
            self.position = store_for(connection).max_position()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _run(self) -> None:
        delay = self._interval
        while not self._stopped.wait(delay):
            try:
                while self.poll() == _BATCH:
                    pass  # catching up: read on without waiting
                delay = self._interval
            except Exception:
                _log.warning("tailing the event store failed; retrying", exc_info=True)
                delay = min(max(delay * 2, 0.1), _MAX_BACKOFF_SECONDS)

    def poll(self) -> int:
        """Publish the changes committed since the last poll; returns events read."""
        with read_only_connection(self._engine) as connection:
            records = store_for(connection).read_all(self.position, limit=_BATCH)
            watched = self._fanout.watched_recipients()
            relevant = [r for r in records if r.type in _CHANGES]
            if relevant and watched:
                for recipient_id, update in updates(connection, relevant, watched):
                    self._fanout.publish(recipient_id, update)
        if records:
            self.position = records[-1].position
        return len(records)


def updates(
    connection: Connection, records: Sequence[StoredEvent], watched: frozenset[str]
) -> list[tuple[str, InboxUpdate]]:
    """The updates for watched recipients, in store order, with each one's unread count.

    Read from the read model, which the same transaction as each event wrote; counts are
    taken once per batch, so every update carries the count after the batch.
    """
    ids = [record.entity_id for record in records]
    views = InboxViews(connection)
    found = views.notifications_by_id(ids)
    mine = {key: view for key, view in found.items() if view.recipient_id in watched}
    if not mine:
        return []
    counts = views.unread_counts({view.recipient_id for view in mine.values()})
    result = []
    for key, record in zip(ids, records, strict=True):
        view = mine.get(key)
        if view is None:
            continue
        change = _CHANGES[record.type]
        shown = replace(view, read=change == "read")
        update = InboxUpdate(change, counts[view.recipient_id], shown, record.position)
        result.append((view.recipient_id, update))
    return result
