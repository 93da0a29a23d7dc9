"""Reading the inbox through the bus: MarkRead, MarkAllRead, UnreadCount, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert
from tests.fakes import contact_recipient, member, verify_address

from ecbm_notify.adapters.inbox.views import InboxViews
from ecbm_notify.adapters.read_models import notifications
from ecbm_notify.application.inbox.commands import MarkAllRead, MarkRead
from ecbm_notify.application.inbox.queries import GetNotification, ListNotifications, UnreadCount
from ecbm_notify.bootstrap import Notify
from ecbm_notify.domain.notification import NotificationNotFound
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.eventstore import NewEvent, StreamAppend, store_for

CONTACT = "an.peeters@example.org"  # conftest's RegistryEvents notify them
# The contact's inbox is open to a person who verified the contact's address.
OWNER = Principal(subject="p-an", roles=frozenset({"member"}))
STRANGER = Principal(subject="other", roles=frozenset({"member"}), email=CONTACT)
EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))


@pytest.fixture
def three_notifications(registry_events: Any, notify: Notify) -> None:
    registry_events.organisation()
    registry_events.deliver(member("p-an", CONTACT))
    verify_address(notify, "p-an")
    for name in ("P 1", "P 2", "P 3"):
        registry_events.programme(name)


def handle(notify: Notify, message: object, principal: Principal = OWNER) -> object:
    with acting_as(principal):
        return notify.bus.handle(message)


def ids(notify: Notify, unread_only: bool = False) -> list[str]:
    query = ListNotifications(recipient_id=contact_recipient(notify), unread_only=unread_only)
    return [n.id for n in handle(notify, query).notifications]  # type: ignore[attr-defined]


def unread(notify: Notify) -> int:
    return handle(notify, UnreadCount(recipient_id=contact_recipient(notify)))  # type: ignore[return-value]


@pytest.mark.usefixtures("three_notifications")
class TestMarkRead:
    def test_marks_the_notification_read_and_lowers_the_unread_count(self, notify: Notify) -> None:
        newest = ids(notify)[0]

        handle(notify, MarkRead(recipient_id=contact_recipient(notify), notification_id=newest))

        view = handle(
            notify, GetNotification(recipient_id=contact_recipient(notify), notification_id=newest)
        )
        assert view.read  # type: ignore[attr-defined]
        assert unread(notify) == 2
        assert newest not in ids(notify, unread_only=True)

    def test_marking_an_already_read_notification_again_is_fine(self, notify: Notify) -> None:
        newest = ids(notify)[0]
        command = MarkRead(recipient_id=contact_recipient(notify), notification_id=newest)
        handle(notify, command)

        assert handle(notify, command) is None

        again = handle(
            notify, GetNotification(recipient_id=contact_recipient(notify), notification_id=newest)
        )
        assert again.read  # type: ignore[attr-defined]
        assert unread(notify) == 2

    def test_a_notification_of_another_inbox_is_not_found(self, notify: Notify) -> None:
        newest = ids(notify)[0]

        with pytest.raises(NotificationNotFound):
            handle(notify, MarkRead(recipient_id="someone-else", notification_id=newest), EDITOR)

    def test_a_member_cannot_mark_another_persons_notification(self, notify: Notify) -> None:
        newest = ids(notify)[0]

        with pytest.raises(PermissionDenied):
            handle(
                notify,
                MarkRead(recipient_id=contact_recipient(notify), notification_id=newest),
                STRANGER,
            )

        assert unread(notify) == 3


@pytest.mark.usefixtures("three_notifications")
class TestMarkAllRead:
    def test_marks_every_unread_notification_and_says_how_many(self, notify: Notify) -> None:
        handle(
            notify, MarkRead(recipient_id=contact_recipient(notify), notification_id=ids(notify)[0])
        )

        marked = handle(notify, MarkAllRead(recipient_id=contact_recipient(notify)))

        assert marked == 2
        assert unread(notify) == 0
        assert ids(notify, unread_only=True) == []

    def test_a_second_call_marks_nothing(self, notify: Notify) -> None:
        handle(notify, MarkAllRead(recipient_id=contact_recipient(notify)))

        assert handle(notify, MarkAllRead(recipient_id=contact_recipient(notify))) == 0

    def test_an_editor_may_mark_any_inbox(self, notify: Notify) -> None:
        assert handle(notify, MarkAllRead(recipient_id=contact_recipient(notify)), EDITOR) == 3


class TestUnreadCount:
    def test_an_unknown_recipient_has_nothing_unread(self, notify: Notify) -> None:
        assert handle(notify, UnreadCount(recipient_id="nobody"), EDITOR) == 0

    @pytest.mark.usefixtures("three_notifications")
    def test_counts_only_the_recipients_unread_notifications(
        self, notify: Notify, registry_events: Any
    ) -> None:
        registry_events.organisation("org2", "other@example.org")
        registry_events.programme("Elsewhere", "org2")

        assert unread(notify) == 3

    @pytest.mark.usefixtures("three_notifications")
    def test_a_member_cannot_count_another_persons_inbox(self, notify: Notify) -> None:
        with pytest.raises(PermissionDenied):  # not even with the contact's address in the token
            handle(notify, UnreadCount(recipient_id=contact_recipient(notify)), STRANGER)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_resume_finds_a_notification_committed_later_under_a_lower_position(
    notify: Notify,
) -> None:
    """Positions are not commit order on PostgreSQL: transaction B takes position p, A then
    takes p + 1 and commits first. A browser that saw A's notification (its last event id)
    and reconnects must still get B's; reading "position > A's" would skip it forever."""

    def create(connection: Any, notification_id: str) -> int:
        append = StreamAppend(
            f"notification-{notification_id}", 0, [NewEvent("NotificationCreated", {})]
        )
        [[stored]] = store_for(connection).append_streams([append])
        connection.execute(
            insert(notifications).values(
                id=notification_id, created_position=stored.position, recipient_id="r1",
                topic="programmes", title=notification_id, body="", link="",
                source_event_type="Test", read=False, create_time=datetime.now(UTC),
            )
        )  # fmt: skip
        return stored.position

    with notify.engine.connect() as a, notify.engine.connect() as b:
        a.begin()
        a.exec_driver_sql("SELECT pg_current_xact_id()")  # A's transaction id comes first
        b.begin()
        b_position = create(b, "from-b")
        a_position = create(a, "from-a")
        a.commit()
        b.commit()
    assert b_position < a_position

    with notify.engine.connect() as connection:
        resumed, complete = InboxViews(connection).created_since("r1", a_position)

    assert [view.id for view in resumed] == ["from-b"]
    assert complete
