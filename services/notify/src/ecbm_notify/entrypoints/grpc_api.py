"""gRPC servicer of notify: the web inbox, translated to and from queries."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from ecbm.notify.v1 import notify_pb2 as pb
from ecbm.notify.v1 import notify_pb2_grpc
from ecbm_notify.adapters.live import InboxUpdate
from ecbm_notify.adapters.views import NotificationView, RecipientView
from ecbm_notify.application import commands, queries
from ecbm_runtime.auth import AccessPolicy, allow
from ecbm_runtime.grpc.convert import clamp_page_size, decode_page_token, encode_page_token
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["NotifyService"].full_name

ACCESS: AccessPolicy = {
    # Members read their own inbox (checked in the use case); editors read any.
    "ListNotifications": allow("member", "editor", "auditor", "integrator"),
    "LookupRecipient": allow("editor", "integrator"),
    "MarkRead": allow("member", "editor", "integrator"),
    "MarkAllRead": allow("member", "editor", "integrator"),
    "UnreadCount": allow("member", "editor", "auditor", "integrator"),
    "WatchNotifications": allow("member", "editor", "auditor", "integrator"),
}
_CHANGES = {
    "unread_count": pb.WatchNotificationsResponse.CHANGE_UNREAD_COUNT,
    "created": pb.WatchNotificationsResponse.CHANGE_CREATED,
    "read": pb.WatchNotificationsResponse.CHANGE_READ,
    "resync": pb.WatchNotificationsResponse.CHANGE_RESYNC,
}


class StreamSlots:
    """Caps open WatchNotifications streams: each holds a server thread until it ends,
    so without a cap watchers could take every thread and starve unary calls."""

    def __init__(self, limit: int) -> None:
        self._free = threading.BoundedSemaphore(limit)

    def take(self, context: grpc.ServicerContext) -> None:
        if not self._free.acquire(blocking=False):
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "too many open watches; retry later")
        context.add_callback(self._free.release)


class NotifyServicer(notify_pb2_grpc.NotifyServiceServicer):
    def __init__(self, bus: MessageBus, stream_slots: StreamSlots) -> None:
        self.bus = bus
        self.stream_slots = stream_slots

    def ListNotifications(
        self, request: pb.ListNotificationsRequest, context: grpc.ServicerContext
    ) -> pb.ListNotificationsResponse:
        after = decode_page_token(request.page_token).get("after", "") if request.page_token else ""
        query = queries.ListNotifications(
            recipient_id=resource_id(request.parent, "recipients", "parent"),
            page_size=clamp_page_size(request.page_size),
            after=str(after),
            unread_only=request.unread_only,
        )
        page = self.bus.handle(query)
        return pb.ListNotificationsResponse(
            notifications=[notification_to_proto(n) for n in page.notifications],
            next_page_token=encode_page_token({"after": page.next_after})
            if page.next_after
            else "",
            total_size=page.total_size,
        )

    def LookupRecipient(
        self, request: pb.LookupRecipientRequest, context: grpc.ServicerContext
    ) -> pb.Recipient:
        return recipient_to_proto(self.bus.handle(queries.LookupRecipient(email=request.email)))

    def MarkRead(
        self, request: pb.MarkReadRequest, context: grpc.ServicerContext
    ) -> pb.Notification:
        recipient_id, notification_id = notification_ids(request.name)
        command = commands.MarkRead(recipient_id=recipient_id, notification_id=notification_id)
        return notification_to_proto(self.bus.handle(command))

    def MarkAllRead(
        self, request: pb.MarkAllReadRequest, context: grpc.ServicerContext
    ) -> pb.MarkAllReadResponse:
        recipient_id = resource_id(request.parent, "recipients", "parent")
        marked = self.bus.handle(commands.MarkAllRead(recipient_id=recipient_id))
        return pb.MarkAllReadResponse(marked_count=marked)

    def UnreadCount(
        self, request: pb.UnreadCountRequest, context: grpc.ServicerContext
    ) -> pb.UnreadCountResponse:
        recipient_id = resource_id(request.parent, "recipients", "parent")
        count = self.bus.handle(queries.UnreadCount(recipient_id=recipient_id))
        return pb.UnreadCountResponse(unread_count=count)

    def WatchNotifications(
        self, request: pb.WatchNotificationsRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchNotificationsResponse]:
        recipient_id = resource_id(request.parent, "recipients", "parent")
        self.stream_slots.take(context)
        watch = self.bus.handle(queries.WatchInbox(recipient_id=recipient_id))
        context.add_callback(watch.close)  # cancelled by the client or by the server's stop
        yield from (update_to_proto(update) for update in watch)


def notification_ids(name: str) -> tuple[str, str]:
    """(recipient id, notification id) of "recipients/{r}/notifications/{n}"."""
    recipient, _, notification = name.partition("/notifications/")
    return resource_id(recipient, "recipients", "name"), resource_id(
        f"notifications/{notification}", "notifications", "name"
    )


def update_to_proto(update: InboxUpdate) -> pb.WatchNotificationsResponse:
    response = pb.WatchNotificationsResponse(
        change=_CHANGES[update.change], unread_count=update.unread_count
    )
    if update.notification is not None:
        response.notification.CopyFrom(notification_to_proto(update.notification))
    return response


def notification_to_proto(view: NotificationView) -> pb.Notification:
    created = Timestamp()
    created.FromDatetime(view.create_time)
    return pb.Notification(
        name=f"recipients/{view.recipient_id}/notifications/{view.id}",
        topic=view.topic,
        title=view.title,
        body=view.body,
        link=view.link,
        source_event_type=view.source_event_type,
        read=view.read,
        create_time=created,
    )


def recipient_to_proto(view: RecipientView) -> pb.Recipient:
    return pb.Recipient(
        name=f"recipients/{view.id}", display_name=view.display_name, email=view.email
    )
