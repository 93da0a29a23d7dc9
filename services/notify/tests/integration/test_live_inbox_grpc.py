"""WatchNotifications, MarkRead and UnreadCount through the real gRPC api, on both databases."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from tests.fakes import contact_recipient, member, verify_address

from ecbm.notify.v1 import notify_pb2 as pb
from ecbm_notify.bootstrap import Notify

CONTACT = "an.peeters@example.org"  # conftest's RegistryEvents notify them
Change = pb.WatchNotificationsResponse


@pytest.fixture
def owner(
    token_for: Callable[..., str], registry_events: Any, notify: Notify
) -> tuple[tuple[str, str]]:
    """Person p-an, who verified the organisation contact's address, so reads its inbox."""
    registry_events.organisation()
    registry_events.deliver(member("p-an", CONTACT))
    verify_address(notify, "p-an")
    return (("authorization", f"Bearer {token_for('member', subject='p-an')}"),)


@pytest.fixture
def parent(owner: Any, notify: Notify) -> str:
    """The organisation contact's inbox."""
    return f"recipients/{contact_recipient(notify)}"


def watch(live_api: Any, metadata: Any, parent: str) -> Any:
    """The response stream: an iterator of changes that can be cancelled."""
    request = pb.WatchNotificationsRequest(parent=parent)
    return live_api.stub.WatchNotifications(request, metadata=metadata, timeout=20)


def test_watch_sends_the_unread_count_then_a_notification_created_after_subscribing(
    live_api: Any, registry_events: Any, owner: Any, parent: str
) -> None:
    registry_events.organisation()
    registry_events.programme("Before")
    stream = watch(live_api, owner, parent)

    first = next(stream)
    registry_events.programme("After")
    created = next(stream)
    stream.cancel()

    assert (first.change, first.unread_count) == (Change.CHANGE_UNREAD_COUNT, 1)
    assert created.change == Change.CHANGE_CREATED
    assert created.notification.title == "After is now in the registry"
    assert created.notification.name.startswith(f"{parent}/notifications/")
    assert created.unread_count == 2


def test_watch_reports_a_notification_marked_read_with_the_new_count(
    live_api: Any, registry_events: Any, owner: Any, parent: str
) -> None:
    registry_events.organisation()
    registry_events.programme()
    listed = live_api.stub.ListNotifications(
        pb.ListNotificationsRequest(parent=parent), metadata=owner
    )
    stream = watch(live_api, owner, parent)
    next(stream)

    marked = live_api.stub.MarkRead(
        pb.MarkReadRequest(name=listed.notifications[0].name), metadata=owner
    )
    change = next(stream)
    stream.cancel()

    assert marked.read
    assert (change.change, change.notification.read, change.unread_count) == (
        Change.CHANGE_READ, True, 0,
    )  # fmt: skip
    count = live_api.stub.UnreadCount(pb.UnreadCountRequest(parent=parent), metadata=owner)
    assert count.unread_count == 0


def test_marking_read_twice_and_marking_all_read_are_not_errors(
    live_api: Any, registry_events: Any, owner: Any, parent: str
) -> None:
    registry_events.organisation()
    registry_events.programme("One")
    registry_events.programme("Two")
    name = (
        live_api.stub.ListNotifications(pb.ListNotificationsRequest(parent=parent), metadata=owner)
        .notifications[0]
        .name
    )

    live_api.stub.MarkRead(pb.MarkReadRequest(name=name), metadata=owner)
    again = live_api.stub.MarkRead(pb.MarkReadRequest(name=name), metadata=owner)
    all_read = live_api.stub.MarkAllRead(pb.MarkAllReadRequest(parent=parent), metadata=owner)

    assert again.read
    assert all_read.marked_count == 1


def test_watching_another_persons_inbox_is_permission_denied(
    live_api: Any, token_for: Callable[..., str], parent: str
) -> None:
    token = token_for("member", subject="p-other", email=CONTACT)  # an address proves nothing
    stranger = (("authorization", f"Bearer {token}"),)

    with pytest.raises(grpc.RpcError) as caught:
        next(watch(live_api, stranger, parent))

    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_malformed_notification_name_is_invalid_argument(
    live_api: Any, owner: Any, parent: str
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        live_api.stub.MarkRead(pb.MarkReadRequest(name=f"{parent}/nope/1"), metadata=owner)

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_stopping_the_server_ends_open_watches_promptly(
    live_api: Any, owner: Any, parent: str
) -> None:
    stream = watch(live_api, owner, parent)
    next(stream)
    started = time.monotonic()

    live_api.server.stop(0.5).wait(5)
    live_api.wiring.on_stop()

    with pytest.raises(grpc.RpcError) as ended:
        next(stream)
    assert ended.value.code() == grpc.StatusCode.UNAVAILABLE  # clients know to watch again
    assert time.monotonic() - started < 3
