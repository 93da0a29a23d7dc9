"""The web inbox's handlers in memory: reading, marking read, watching."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.fakes import InMemoryNotify, Recipient, in_memory_notify

from ecbm_notify.adapters.live import InboxUpdate
from ecbm_notify.application.inbox import commands, queries
from ecbm_notify.domain.notification import Notification, NotificationCreated, NotificationNotFound
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import NotFound, PermissionDenied

OWNER = Principal(subject="p-ana", roles=frozenset({"member"}))
STRANGER = Principal(subject="p-bo", roles=frozenset({"member"}))
INBOX = "r-ana"  # the recipient of person p-ana (the token's subject)


@pytest.fixture
def notify() -> Iterator[InMemoryNotify]:
    notify = in_memory_notify()
    notify.tables.recipients[INBOX] = Recipient(INBOX, "ana@example.org", "Ana", "p-ana")
    with acting_as(OWNER):
        yield notify


def notified(notify: InMemoryNotify, *titles: str) -> list[str]:
    ids = []
    for number, title in enumerate(titles):
        created = NotificationCreated(
            recipient_id=INBOX,
            topic="registry",
            title=title,
            body="",
            link="",
            source_event_type="ProgrammeRegistered",
        )
        with notify.deps.uow() as work:
            work.repository(Notification).add(Notification.create(f"n{number}", created))
            work.commit()
        ids.append(f"n{number}")
    return ids


def unread(notify: InMemoryNotify) -> int:
    return int(notify.handle(queries.UnreadCount(recipient_id=INBOX)))


def test_mark_read_stores_one_read_event_and_answers_nothing(notify: InMemoryNotify) -> None:
    first, _ = notified(notify, "one", "two")

    assert notify.handle(commands.MarkRead(recipient_id=INBOX, notification_id=first)) is None
    notify.handle(commands.MarkRead(recipient_id=INBOX, notification_id=first))  # idempotent

    assert notify.event_types().count("NotificationRead") == 1
    assert unread(notify) == 1
    view = notify.handle(queries.GetNotification(recipient_id=INBOX, notification_id=first))
    assert view.read


def test_mark_read_of_another_inbox_is_not_found_or_denied(notify: InMemoryNotify) -> None:
    (first,) = notified(notify, "one")
    with pytest.raises(NotificationNotFound):
        notify.handle(commands.MarkRead(recipient_id=INBOX, notification_id="nope"))
    with acting_as(STRANGER), pytest.raises(PermissionDenied):
        notify.handle(commands.MarkRead(recipient_id=INBOX, notification_id=first))
    assert "NotificationRead" not in notify.event_types()


def test_mark_all_read_marks_what_is_unread(notify: InMemoryNotify) -> None:
    first, *_ = notified(notify, "one", "two", "three")
    notify.handle(commands.MarkRead(recipient_id=INBOX, notification_id=first))

    assert notify.handle(commands.MarkAllRead(recipient_id=INBOX)) == 2
    assert unread(notify) == 0


def test_list_and_lookup(notify: InMemoryNotify) -> None:
    notified(notify, "one", "two")

    page = notify.handle(queries.ListNotifications(recipient_id=INBOX))
    assert [n.title for n in page.notifications] == ["two", "one"]
    assert notify.handle(queries.LookupRecipient(email="ANA@example.org")).id == INBOX
    with pytest.raises(NotFound):
        notify.handle(queries.LookupRecipient(email="nobody@example.org"))
    with acting_as(STRANGER), pytest.raises(PermissionDenied):
        notify.handle(queries.ListNotifications(recipient_id=INBOX))


def test_watch_starts_with_the_count_then_what_was_missed(notify: InMemoryNotify) -> None:
    notified(notify, "one", "two")

    watch = notify.handle(queries.WatchInbox(recipient_id=INBOX, after_position=1))
    first, missed = watch.next(0.01), watch.next(0.01)
    watch.close()

    assert (first.change, first.unread_count) == ("unread_count", 2)
    assert (missed.change, missed.notification.title) == ("created", "two")
    assert notify.deps.fanout.watcher_count() == 0


def test_watch_passes_on_a_change_it_lacks_even_below_the_store_position_on_subscribing(
    notify: InMemoryNotify,
) -> None:
    """Positions are not commit order on PostgreSQL: a notification committed after the
    watcher subscribed may carry a position below the store's newest one at that moment.
    Only the notifications the watcher already has (counted on subscribing) are not sent
    again when the tailer, still behind, reaches them."""
    one, _ = notified(notify, "one", "two")
    notify.handle(commands.MarkRead(recipient_id=INBOX, notification_id=one))
    positions = sorted(e.position for e in notify.records.events)
    watch = notify.handle(queries.WatchInbox(recipient_id=INBOX))
    count = watch.next(0.01)
    again = InboxUpdate("created", 1, position=positions[1])  # "two": the tailer was behind
    late = InboxUpdate("created", 2, position=positions[2])  # committed after subscribing

    notify.deps.fanout.publish(INBOX, again)
    notify.deps.fanout.publish(INBOX, late)
    received = watch.next(0.5)
    watch.close()

    assert (count.change, count.unread_count) == ("unread_count", 1)
    assert received == late
