"""The fan-out of live inbox changes: who gets what, and slow watchers."""

from __future__ import annotations

import threading
import time

import pytest

from ecbm_notify.adapters.live import Fanout, InboxUpdate, SubscriptionClosed


def change(count: int, position: int = 1) -> InboxUpdate:
    return InboxUpdate("created", count, position=position)


def test_a_subscriber_receives_changes_to_its_recipient_only() -> None:
    fanout = Fanout()
    mine, other = fanout.subscribe("ann"), fanout.subscribe("bob")

    fanout.publish("ann", change(1))

    assert mine.next(timeout=1) == change(1)
    assert other.next(timeout=0.01) is None


def test_every_subscriber_of_a_recipient_receives_each_change() -> None:
    fanout = Fanout()
    tab, phone = fanout.subscribe("ann"), fanout.subscribe("ann")

    fanout.publish("ann", change(1))

    assert tab.next(timeout=1) == phone.next(timeout=1) == change(1)


def test_changes_arrive_in_publishing_order() -> None:
    fanout = Fanout()
    watcher = fanout.subscribe("ann")

    for position in range(1, 6):
        fanout.publish("ann", change(position, position))

    assert [watcher.next(timeout=1).position for _ in range(5)] == [1, 2, 3, 4, 5]  # type: ignore[union-attr]


def test_an_unsubscribed_watcher_is_forgotten_and_closed() -> None:
    fanout = Fanout()
    watcher = fanout.subscribe("ann")

    fanout.unsubscribe(watcher)
    fanout.publish("ann", change(1))

    assert fanout.watched_recipients() == frozenset()
    with pytest.raises(SubscriptionClosed):
        watcher.next(timeout=1)


def test_a_waiting_watcher_wakes_as_soon_as_a_change_is_published() -> None:
    fanout = Fanout()
    watcher = fanout.subscribe("ann")
    publisher = threading.Timer(0.05, fanout.publish, ("ann", change(1)))
    started = time.monotonic()
    publisher.start()

    assert watcher.next(timeout=5) == change(1)
    assert time.monotonic() - started < 1


def test_a_slow_watcher_gets_a_resync_and_does_not_hold_up_others() -> None:
    fanout = Fanout(capacity=3)
    slow, quick = fanout.subscribe("ann"), fanout.subscribe("ann")

    for position in range(1, 6):
        fanout.publish("ann", change(position, position))
        assert quick.next(timeout=1) == change(position, position)

    # The 4th change overflowed slow's buffer: it was replaced by one resync marker.
    assert slow.next(timeout=1) == InboxUpdate("resync", 4, position=4)
    assert slow.next(timeout=1) == change(5, 5)
    assert slow.overflows == 1


def test_closing_ends_every_watch_and_refuses_new_ones() -> None:
    fanout = Fanout()
    watcher = fanout.subscribe("ann")
    ended: list[BaseException] = []

    def wait() -> None:
        try:
            watcher.next(timeout=30)
        except SubscriptionClosed as closed:
            ended.append(closed)

    waiting = threading.Thread(target=wait)
    waiting.start()

    fanout.close()
    waiting.join(timeout=5)

    assert len(ended) == 1
    assert fanout.subscribe("ann").closed
    assert fanout.watcher_count() == 0
